package fr.passerelle.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.audit.ExchangeAudit;
import fr.passerelle.routes.outbound.OutboundRoutes;
import fr.passerelle.schema.envelope.Envelope;

/**
 * The error policy of the message flows, in one place. A message refused for a known reason goes, as it was
 * received (never half-sealed), to the quarantine queue with the reason code and sentence as headers, the
 * national service that sent it gets a notice on its inbound queue, and the audit trail says so. Anything else is not handled here: the broker transaction rolls back and the broker
 * redelivers, then moves the message to quarantine after its maximum delivery attempts.
 */
public final class ErrorHandling extends RouteConfigurationBuilder {

    /** The id of the outbound routes' configuration: refusals are handled by quarantine. */
    public static final String ID = "gateway-errors";
    /** The id of the inbound route's configuration: refusals are quarantined, then answered to the partner. */
    public static final String INBOUND_ID = "inbound-errors";

    /**
     * On a quarantined message: the JMS priority of the message refused, which the quarantine's own copy does not
     * keep; a sealed message released from quarantine goes back to its partner queue with it.
     */
    public static final String PRIORITY = "PasserellePriority";

    /** Where a national service is told that its message was refused: its own inbound queue. */
    public static final String NOTICE_URI = "jms:queue:national.${exchangeProperty.passerelleService}.in";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

    private final AuditTrail audit;
    private final String quarantineUri;
    private final String noticeUri;
    private Availability availability = Availability.ALWAYS;

    public ErrorHandling(AuditTrail audit, String quarantineUri, String noticeUri) {
        this.audit = audit;
        this.quarantineUri = quarantineUri;
        this.noticeUri = noticeUri;
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition gatewayErrors = routeConfiguration(ID);
        gatewayErrors
                .onException(GatewayException.class)
                .handled(true)
                .useOriginalMessage()
                .process(this::markQuarantined)
                .to(quarantineUri).id("quarantine")
                .filter(exchangeProperty(Headers.SERVICE).isNotNull())
                    .process(ErrorHandling::notice)
                    .toD(noticeUri).id("quarantine-notice")
                .end();
        gatewayErrors.onException(Exception.class)
                .handled(false)
                .process(this::watchAvailability)
                .process(this::writeKeptAudit);

        // The caller (the partner endpoint) reports and logs inbound refusals; the default handler need not.
        routeConfiguration(INBOUND_ID)
                .errorHandler(defaultErrorHandler().logExhausted(false))
                .onException(GatewayException.class)
                .handled(false)
                .useOriginalMessage()
                .process(this::markRefused)
                .to(quarantineUri).id("inbound-quarantine");
    }

    private void markRefused(Exchange exchange) {
        GatewayException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        String partner = exchange.getProperty(Headers.CLIENT_PARTNER, String.class);
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String messageId = envelope == null ? null : envelope.getMessageId();
        exchange.getIn().removeHeaders("*");
        if (messageId != null) {
            exchange.getIn().setHeader(Headers.MESSAGE_ID, messageId);
        }
        exchange.getIn().setHeader(Headers.PARTNER, partner);
        exchange.getIn().setHeader(Headers.REASON_CODE, failure.reason().name());
        exchange.getIn().setHeader(Headers.REASON, failure.reason().sentence() + " Detail: " + failure.detail());
        audit.record(messageId, AuditEvent.MESSAGE_REFUSED, partner, partner,
                failure.reason().name() + ": " + failure.detail());
    }

    /** The sender's notice: a short text naming the message and the reason, with the same headers. */
    private static void notice(Exchange exchange) {
        String messageId = exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class);
        String code = exchange.getIn().getHeader(Headers.REASON_CODE, String.class);
        String reason = exchange.getIn().getHeader(Headers.REASON, String.class);
        exchange.getIn().removeHeaders("*");
        if (messageId != null) {
            exchange.getIn().setHeader(Headers.MESSAGE_ID, messageId);
        }
        exchange.getIn().setHeader(Headers.NOTICE, "REFUSED");
        exchange.getIn().setHeader(Headers.REASON_CODE, code);
        exchange.getIn().setHeader(Headers.REASON, reason);
        exchange.getIn().setBody("Your message " + (messageId == null ? "(unreadable messageId)" : messageId)
                + " was not sent and is held in quarantine: " + code + ". " + reason + "\n");
    }

    private void markQuarantined(Exchange exchange) {
        GatewayException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        String messageId = exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class);
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        if (envelope != null) {
            messageId = envelope.getMessageId();
            exchange.getIn().setHeader(Headers.MESSAGE_ID, messageId);
        }
        exchange.getIn().setHeader(Headers.REASON_CODE, failure.reason().name());
        exchange.getIn().setHeader(Headers.REASON, failure.reason().sentence() + " Detail: " + failure.detail());
        // The broker stamps its own account and a new arrival id on the quarantined copy: a release from quarantine
        // hands the outbound flow these copies of what it knew, as a supervisor's approval does. Always overwritten,
        // so that a service cannot slip in its own values through the headers of the message it sent.
        copy(exchange, Headers.BROKER_USER, OutboundRoutes.HELD_BROKER_USER);
        copy(exchange, Headers.ARRIVAL_ID, OutboundRoutes.HELD_ARRIVAL_ID);
        copy(exchange, Headers.SERVICE, Headers.SENDER);
        Integer priority = exchange.getIn().getHeader("JMSPriority", Integer.class);
        if (priority == null) {
            exchange.getIn().removeHeader(PRIORITY);
        } else {
            exchange.getIn().setHeader(PRIORITY, priority);
        }
        String actor = exchange.getProperty(Headers.BROKER_USER, "unknown", String.class);
        // After what the step kept of its own records, if it kept any, in the same write.
        ExchangeAudit.of(exchange).record(messageId, AuditEvent.MESSAGE_QUARANTINED, actor,
                exchange.getProperty(Headers.TARGET_PARTNER, String.class),
                failure.reason().name() + ": " + failure.detail());
        ExchangeAudit.flush(exchange, audit);
    }

    /** What consumers wait for when a failure says the database cannot be reached; never waits by default. */
    public ErrorHandling withAvailability(Availability dependencies) {
        this.availability = dependencies;
        return this;
    }

    private void watchAvailability(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure != null) {
            availability.failed(failure);
        }
    }

    /**
     * A step failing for another reason rolls back and comes again; what it did until then (read the message, stored
     * its sealed copy) is written to the trail all the same.
     */
    private void writeKeptAudit(Exchange exchange) {
        try {
            ExchangeAudit.flush(exchange, audit);
        } catch (RuntimeException e) {
            LOG.error("Could not write the audit records of a failed step of message {}: {}",
                    exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class), e.toString());
        }
    }

    /** The exchange property as a message header, or no such header when the property is not set. */
    private static void copy(Exchange exchange, String property, String header) {
        String value = exchange.getProperty(property, String.class);
        if (value == null) {
            exchange.getIn().removeHeader(header);
        } else {
            exchange.getIn().setHeader(header, value);
        }
    }
}
