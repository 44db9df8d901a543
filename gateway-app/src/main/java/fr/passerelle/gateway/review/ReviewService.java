package fr.passerelle.gateway.review;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.jms.core.JmsTemplate;

import fr.passerelle.routes.Headers;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.outbound.OutboundRoutes;
import fr.passerelle.routes.review.ReviewDecision;
import fr.passerelle.routes.review.ReviewDecisions;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * The four-eyes review of messages a releasability rule holds in {@code gateway.review}: the list of what waits,
 * and the approve and reject decisions the console calls. The approver must not be the submitter; every decision,
 * and every refused one, is audited. An approved message goes on through the outbound flow (redaction, format,
 * seal, partner queue); a rejected one goes to quarantine with {@code REVIEW_REJECTED} and its sender is told.
 */
public class ReviewService {

    /** The queue where held messages wait. */
    public static final String QUEUE = "gateway.review";

    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final JmsTemplate jms;
    private final ProducerTemplate producer;
    private final ReviewDecisions decisions;
    private final AuditTrail audit;
    private final Clock clock;

    public ReviewService(JmsTemplate jms, ProducerTemplate producer, ReviewDecisions decisions, AuditTrail audit,
            Clock clock) {
        this.jms = jms;
        this.producer = producer;
        this.decisions = decisions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Every message waiting for review, oldest first. */
    public List<HeldMessage> pending() {
        return jms.browse(QUEUE, (session, browser) -> {
            List<HeldMessage> held = new ArrayList<>();
            for (Object message : Collections.list(browser.getEnumeration())) {
                held.add(held((Message) message));
            }
            return held;
        });
    }

    /** The message waiting for review under this id, if any. */
    public Optional<HeldMessage> held(String messageId) {
        String selector = selector(messageId);
        return Optional.ofNullable(jms.browseSelected(QUEUE, selector, (session, browser) -> {
            var messages = browser.getEnumeration();
            return messages.hasMoreElements() ? held((Message) messages.nextElement()) : null;
        }));
    }

    /**
     * Approves the release; the message then leaves for its partners.
     *
     * @throws ReviewException if it is not held, if {@code approver} submitted it, or if it was already decided
     */
    public void approve(String messageId, String approver, String comment) {
        HeldMessage held = held(messageId).orElseThrow(() -> new ReviewException(ReviewException.Reason.NOT_HELD,
                messageId));
        if (approver.equalsIgnoreCase(held.submitter())) {
            audit.record(messageId, AuditEvent.REVIEW_REFUSED, approver, null,
                    "the submitter may not approve their own message");
            throw new ReviewException(ReviewException.Reason.SAME_PERSON, messageId);
        }
        decide(new ReviewDecision(messageId, true, approver, clock.instant(), comment), AuditEvent.REVIEW_APPROVED,
                OutboundRoutes.REVIEWED);
    }

    /** Rejects the release: the message goes to quarantine and its sender gets the comment as the reason. */
    public void reject(String messageId, String approver, String comment) {
        held(messageId).orElseThrow(() -> new ReviewException(ReviewException.Reason.NOT_HELD, messageId));
        decide(new ReviewDecision(messageId, false, approver, clock.instant(), comment), AuditEvent.REVIEW_REJECTED,
                OutboundRoutes.REJECTED);
    }

    private void decide(ReviewDecision decision, AuditEvent event, String route) {
        if (!decisions.record(decision)) {
            throw new ReviewException(ReviewException.Reason.ALREADY_DECIDED, decision.messageId());
        }
        audit.record(decision.messageId(), event, decision.decidedBy(), null,
                decision.comment() == null ? "" : "comment: " + decision.comment());
        try {
            take(decision, route);
        } catch (RuntimeException e) {
            decisions.withdraw(decision.messageId());
            throw e;
        }
    }

    /**
     * Takes the held message off the review queue and hands it to the outbound flow, in one broker transaction:
     * if the flow fails, the message stays held.
     */
    private void take(ReviewDecision decision, String route) {
        jms.execute(session -> {
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE),
                    selector(decision.messageId()))) {
                Message message = consumer.receive(5_000);
                if (message == null) {
                    throw new ReviewException(ReviewException.Reason.NOT_HELD, decision.messageId());
                }
                Exchange done = producer.send(route, exchange -> {
                    copyHeld(message, exchange);
                    exchange.getIn().setHeader(OutboundRoutes.REVIEW_DECIDED_BY, decision.decidedBy());
                    exchange.getIn().setHeader(OutboundRoutes.REVIEW_COMMENT, decision.comment());
                });
                if (done.getException() != null) {
                    session.rollback();
                    throw new ReviewException(ReviewException.Reason.RELEASE_FAILED, decision.messageId());
                }
                session.commit();
                return null;
            } catch (JMSException | RuntimeException e) {
                session.rollback();
                throw e;
            }
        }, true);
    }

    private static void copyHeld(Message message, Exchange exchange) throws JMSException {
        byte[] body;
        if (message instanceof BytesMessage bytes) {
            body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
        } else {
            body = ((TextMessage) message).getText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        exchange.getIn().setBody(body);
        for (String name : OutboundRoutes.HELD_HEADERS) {
            exchange.getIn().setHeader(name, message.getStringProperty(name));
        }
    }

    private static HeldMessage held(Message message) throws JMSException {
        return new HeldMessage(message.getStringProperty(Headers.MESSAGE_ID),
                message.getStringProperty(Headers.SENDER), message.getStringProperty(OutboundRoutes.SUBMITTER),
                message.getStringProperty(OutboundRoutes.HELD_PARTNERS),
                message.getStringProperty(OutboundRoutes.REVIEW_REASONS), Instant.ofEpochMilli(message.getJMSTimestamp()));
    }

    private static String selector(String messageId) {
        if (messageId == null || !MESSAGE_ID.matcher(messageId).matches()) {
            throw new ReviewException(ReviewException.Reason.NOT_HELD, String.valueOf(messageId));
        }
        return Headers.MESSAGE_ID + " = '" + messageId + "'";
    }
}
