package fr.passerelle.gateway.console.quarantine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.jms.connection.SessionProxy;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.broker.BrokerSettings;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.outbound.OutboundRoutes;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * What waits in {@code gateway.quarantine}, and what an administrator may do with it: look, discard, or release
 * once the cause is corrected. A message refused by a partner's channel goes back to its partner queue; an
 * outbound message refused before sealing goes through the outbound flow again, as the service sent it, under the
 * account and arrival id the broker gave it then; anything else (a partner's refused message, what the broker
 * moved here itself) cannot be released: its sender must send it again. Every action, and every display of an
 * envelope's content, is audited with the person's name.
 */
@Component
public class Quarantine {

    /** The queue. */
    public static final String QUEUE = EmbeddedBroker.QUARANTINE;

    /**
     * The gateway's own broker account. Only what the gateway itself put in quarantine, with a reason, may be
     * released: a message the broker moved here after failed deliveries keeps the stamp of the account that sent
     * it, and its headers are that sender's, not the gateway's.
     */
    static final String GATEWAY_ACCOUNT = BrokerSettings.GATEWAY_USER;

    /** What the audit trail records when a copy leaves the quarantine. */
    static final AuditEvent DISCARDED = AuditEvent.QUARANTINE_DISCARDED;
    static final AuditEvent RELEASED = AuditEvent.QUARANTINE_RELEASED;

    private static final Set<String> CHANNEL_REFUSALS = Set.of(ReasonCode.DELIVERY_FAILED.name(),
            ReasonCode.RECEIPT_INVALID.name());
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern JMS_MESSAGE_ID = Pattern.compile("ID:[A-Za-z0-9:._-]{1,120}");
    private static final long RECEIVE_TIMEOUT_MILLIS = 5_000;

    /** Where a quarantined message came from, which decides whether and how it can be released. */
    public enum Kind {
        CHANNEL("Refused by the partner's channel after sealing. Release puts the sealed message back on its "
                + "partner queue, to be delivered again.", true),
        OUTBOUND("Refused before sealing; kept as the service sent it. Release hands it to the outbound flow again, "
                + "under the service and account that sent it; if the cause is still there, it comes back here with "
                + "its reason.", true),
        REJECTED("A supervisor rejected its release. It cannot be released; the service may send a new message.",
                false),
        INBOUND("A partner's message refused on arrival. It cannot be released here: the partner must send it "
                + "again.", false),
        OTHER("Not put here by the gateway's refusal handling (the broker moves here what failed too often or "
                + "expired), or without what a release needs. It cannot be released from the console; its sender "
                + "must send it again.", false);

        private final String sentence;
        private final boolean releasable;

        Kind(String sentence, boolean releasable) {
            this.sentence = sentence;
            this.releasable = releasable;
        }

        /** What this means for the person looking at it. */
        public String sentence() {
            return sentence;
        }

        public boolean releasable() {
            return releasable;
        }
    }

    /**
     * One quarantined message, without its content.
     *
     * @param id the id the broker gave this very copy on arrival ({@code PasserelleArrivalId}), or its JMS message
     *     id if it has none
     * @param at when it was put in quarantine
     * @param messageId the envelope's messageId, when it could be read
     * @param partner the partner concerned ({@code PasserellePartner}), if any
     * @param sender the national service ({@code PasserelleSender}), if any
     * @param account the broker account that sent an outbound message, as the broker stamped it on arrival
     * @param reasonCode the reason code
     * @param reason the reason, for a person
     * @param priority the JMS priority the message had before it was quarantined
     * @param size the size of the body in bytes
     * @param sha256 the SHA-256 of the body, in hex
     * @param kind where it came from
     */
    public record Item(String id, Instant at, String messageId, String partner, String sender, String account,
            String reasonCode, String reason, int priority, long size, String sha256, Kind kind) {

        /** Whether the body is an envelope as a national service sent it, rather than sealed bytes. */
        public boolean plaintext() {
            return kind == Kind.OUTBOUND || kind == Kind.REJECTED;
        }
    }

    private final JmsTemplate jms;
    private final ProducerTemplate producer;
    private final Parties parties;
    private final AuditTrail audit;

    Quarantine(ConnectionFactory connectionFactory, CamelContext camel, Parties parties, AuditTrail audit) {
        this.jms = new JmsTemplate(connectionFactory);
        jms.setSessionTransacted(true);
        this.producer = camel.createProducerTemplate();
        this.parties = parties;
        this.audit = audit;
    }

    /** The first {@code max} messages of the queue, in queue order. */
    public List<Item> list(int max) {
        return jms.browse(QUEUE, (session, browser) -> {
            List<Item> items = new ArrayList<>();
            for (var messages = browser.getEnumeration(); messages.hasMoreElements() && items.size() < max;) {
                items.add(item((Message) messages.nextElement()));
            }
            return items;
        });
    }

    /** The message with this id ({@link Item#id()} or JMS message id), or the first one with this messageId. */
    public Optional<Item> find(String id) {
        return Optional.ofNullable(browseOne(id, false)).map(Browsed::item);
    }

    /**
     * The envelope of a message refused before sealing, as the service sent it, for {@code user}; the display is
     * audited first. Empty when there is no such message or its body is sealed bytes, which are never shown.
     */
    public Optional<String> content(String id, String user) {
        named(user);
        Browsed browsed = browseOne(id, true);
        if (browsed == null || !browsed.item().plaintext()) {
            return Optional.empty();
        }
        audit.record(browsed.item().messageId(), AuditEvent.MESSAGE_READ, user, browsed.item().partner(),
                "quarantined copy shown");
        return Optional.of(new String(browsed.body(), StandardCharsets.UTF_8));
    }

    /**
     * Takes the message out of quarantine for good; returns what happened, for the person.
     *
     * @param id the copy's {@link Item#id()}
     * @throws QuarantineException when there is no such message
     */
    public String discard(String id, String user) {
        named(user);
        return consume(id, item -> true, (session, message, item) -> {
            audit.record(item.messageId(), DISCARDED, user, item.partner(),
                    "discarded from quarantine by " + user + " (" + item.reasonCode() + ")");
            return "Discarded " + describe(item) + ".";
        });
    }

    /**
     * Releases the message after correction, as its {@link Kind} says; returns what happened, for the person.
     *
     * @param id the copy's {@link Item#id()}
     * @throws QuarantineException when there is no such message, it cannot be released, or the flow failed
     */
    public String release(String id, String user) {
        named(user);
        return consume(id, item -> item.kind().releasable(), (session, message, item) -> switch (item.kind()) {
            case CHANNEL -> backToPartner(session, message, item, user);
            case OUTBOUND -> throughOutboundFlow(message, item, user);
            default -> throw new QuarantineException(QuarantineException.Reason.NOT_RELEASABLE, id);
        });
    }

    /** The sealed bytes back on the partner's queue, with what the dispatch route reads, in this transaction. */
    private String backToPartner(Session session, Message message, Item item, String user) throws JMSException {
        String queue = "partner." + item.partner() + ".out";
        BytesMessage copy = session.createBytesMessage();
        copy.writeBytes(body(message));
        setIfPresent(copy, Headers.MESSAGE_ID, item.messageId());
        copy.setStringProperty(Headers.PARTNER, item.partner());
        setIfPresent(copy, Headers.SENDER, item.sender());
        audit.record(item.messageId(), RELEASED, user, item.partner(),
                "released from quarantine by " + user + " to " + queue + " (" + item.reasonCode() + ")");
        session.createProducer(session.createQueue(queue)).send(copy, DeliveryMode.PERSISTENT, item.priority(),
                Message.DEFAULT_TIME_TO_LIVE);
        return "Released " + describe(item) + " to " + queue + ", to be delivered again.";
    }

    /**
     * The envelope through the outbound flow again, the way a supervisor's approval hands a held message back. The
     * flow's sends are not in this transaction: the quarantined copy is taken only if the flow completed, and a
     * flow that refuses the message again has put a new copy here with the new reason.
     */
    private String throughOutboundFlow(Message message, Item item, String user) throws JMSException {
        byte[] body = body(message);
        audit.record(item.messageId(), RELEASED, user, null,
                "released from quarantine by " + user + " to the outbound flow (" + item.reasonCode() + ")");
        Exchange done = producer.send(OutboundRoutes.REVIEWED, exchange -> {
            exchange.getIn().setBody(body);
            for (String name : OutboundRoutes.HELD_HEADERS) {
                exchange.getIn().setHeader(name, message.getStringProperty(name));
            }
        });
        if (done.getException() != null) {
            audit.record(item.messageId(), RELEASED, user, null,
                    "release from quarantine by " + user + " failed; the message stays in quarantine");
            throw new QuarantineException(QuarantineException.Reason.RELEASE_FAILED, item.id());
        }
        GatewayException again = done.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        if (again != null) {
            return "Released " + describe(item) + ", but the outbound flow refused it again: "
                    + again.reason().name() + ". It is back in quarantine with that reason.";
        }
        return "Released " + describe(item) + " to the outbound flow.";
    }

    private interface Action {
        String apply(Session session, Message message, Item item) throws JMSException;
    }

    /**
     * Looks first, so that a message the action does not apply to is left alone (one taken and rolled back would
     * vanish from sight for the broker's redelivery delay); then takes that very copy in a local broker transaction
     * and commits only if the action completes. The consumer is the session's own, not the connection factory's
     * cached one: a cached consumer stays open after use and would keep a rolled-back message in its buffer, out
     * of everyone else's sight.
     */
    private String consume(String id, Predicate<Item> applies, Action action) {
        Browsed seen = browseOne(id, false);
        if (seen == null) {
            throw new QuarantineException(QuarantineException.Reason.NOT_FOUND, String.valueOf(id));
        }
        if (!applies.test(seen.item())) {
            throw new QuarantineException(QuarantineException.Reason.NOT_RELEASABLE, id);
        }
        String exact = selector(seen.item().id(), false);
        if (exact == null) {
            throw new QuarantineException(QuarantineException.Reason.NOT_FOUND, id);
        }
        return jms.execute(proxy -> {
            Session session = proxy instanceof SessionProxy cached ? cached.getTargetSession() : proxy;
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE), exact)) {
                Message message = consumer.receive(RECEIVE_TIMEOUT_MILLIS);
                if (message == null) {
                    throw new QuarantineException(QuarantineException.Reason.NOT_FOUND, id);
                }
                String outcome = action.apply(session, message, item(message));
                session.commit();
                return outcome;
            } catch (JMSException | RuntimeException e) {
                session.rollback();
                throw e;
            }
        }, true);
    }

    private record Browsed(Item item, byte[] body) {
    }

    private Browsed browseOne(String id, boolean withBody) {
        String selector = selector(id, true);
        if (selector == null) {
            return null;
        }
        return jms.browseSelected(QUEUE, selector, (session, browser) -> {
            var messages = browser.getEnumeration();
            if (!messages.hasMoreElements()) {
                return null;
            }
            Message message = (Message) messages.nextElement();
            Item item = item(message);
            return new Browsed(item, withBody ? body(message) : null);
        });
    }

    /**
     * A selector for an arrival id (or, when {@code orMessageId}, a messageId: both are random UUIDs) or a JMS
     * message id; null for anything else, which names no message. The arrival id is the broker's: it names one
     * copy whatever protocol its sender used, where JMSMessageID only matches messages sent over CORE.
     */
    private static String selector(String id, boolean orMessageId) {
        if (id == null) {
            return null;
        }
        if (UUID.matcher(id).matches()) {
            return Headers.ARRIVAL_ID_PROPERTY + " = '" + id + "'"
                    + (orMessageId ? " OR " + Headers.MESSAGE_ID + " = '" + id + "'" : "");
        }
        return JMS_MESSAGE_ID.matcher(id).matches() ? "JMSMessageID = '" + id + "'" : null;
    }

    private Item item(Message message) throws JMSException {
        byte[] body = body(message);
        String partner = message.getStringProperty(Headers.PARTNER);
        String reasonCode = message.getStringProperty(Headers.REASON_CODE);
        String arrival = message.getStringProperty(Headers.ARRIVAL_ID_PROPERTY);
        String id = arrival != null && UUID.matcher(arrival).matches() ? arrival : message.getJMSMessageID();
        return new Item(id, Instant.ofEpochMilli(message.getJMSTimestamp()),
                message.getStringProperty(Headers.MESSAGE_ID), partner, message.getStringProperty(Headers.SENDER),
                message.getStringProperty(OutboundRoutes.HELD_BROKER_USER), reasonCode,
                message.getStringProperty(Headers.REASON), priority(message), body.length, sha256(body),
                kind(message, partner, reasonCode));
    }

    /** The priority the gateway noted when it quarantined the message; the copy's own is the queue's default. */
    private static int priority(Message message) throws JMSException {
        Object noted = message.getObjectProperty(ErrorHandling.PRIORITY);
        if (noted instanceof Integer priority && priority >= 0 && priority <= 9) {
            return priority;
        }
        return message.getJMSPriority();
    }

    private Kind kind(Message message, String partner, String reasonCode) throws JMSException {
        if (reasonCode == null
                || !GATEWAY_ACCOUNT.equals(message.getStringProperty(Headers.BROKER_SENDER_PROPERTY))) {
            return Kind.OTHER;
        }
        if (CHANNEL_REFUSALS.contains(reasonCode)) {
            return partner != null && parties.partner(partner).isPresent() ? Kind.CHANNEL : Kind.OTHER;
        }
        if (message.getStringProperty(OutboundRoutes.HELD_ARRIVAL_ID) != null) {
            return ReasonCode.REVIEW_REJECTED.name().equals(reasonCode) ? Kind.REJECTED : Kind.OUTBOUND;
        }
        return partner != null ? Kind.INBOUND : Kind.OTHER;
    }

    private static byte[] body(Message message) throws JMSException {
        if (message instanceof BytesMessage bytes) {
            bytes.reset();
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        if (message instanceof TextMessage text && text.getText() != null) {
            return text.getText().getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    private static void setIfPresent(Message message, String name, String value) throws JMSException {
        if (value != null) {
            message.setStringProperty(name, value);
        }
    }

    /** Every display and action is in a person's name, for the audit trail. */
    private static void named(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a quarantined message is shown or handled by a named user only");
        }
    }

    private static String describe(Item item) {
        return item.messageId() == null ? "the message" : "message " + item.messageId();
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
