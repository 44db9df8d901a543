package fr.passerelle.routes.outbound;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsMessage;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.Priority;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;

/**
 * Outbound flow: {@code national.<s>.out} → parse and validate → sender check → seal for each recipient with its security profile →
 * {@code partner.<p>.out}. One consumer route per national service comes from the {@code national-outbound}
 * template; they all hand over to {@code outbound-process} within the same broker transaction, so the message
 * is either queued for every recipient, or quarantined, or rolled back for redelivery.
 */
public final class OutboundRoutes extends RouteBuilder {

    /**
     * Where a service's messages are consumed; {@code {{service}}} is the template parameter. The session is
     * locally transacted and exposed to the route, so the sends to partner queues commit or roll back with the
     * consumption, without a transaction manager that would recreate the consumer for every message.
     */
    public static final String NATIONAL_OUT = "jms:queue:national.{{service}}.out?transacted=true"
            + "&lazyCreateTransactionManager=false&exposeListenerSession=true";
    /** Where a partner's sealed messages are queued. */
    public static final String PARTNER_OUT = "jms:queue:partner.${exchangeProperty.passerelleTargetPartner}.out"
            + "?preserveMessageQos=true";

    private final Parties parties;
    private final EnvelopeReader reader;
    private final SecurityProfiles profiles;
    private final AuditTrail audit;
    private final MessageStore store;
    private final Clock clock;

    public OutboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, AuditTrail audit,
            MessageStore store, Clock clock) {
        this.parties = parties;
        this.reader = reader;
        this.profiles = profiles;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void configure() {
        routeTemplate("national-outbound")
                .templateParameter("service")
                .from(NATIONAL_OUT)
                .routeConfigurationId(ErrorHandling.ID)
                .setProperty(Headers.SERVICE, constant("{{service}}"))
                .process(OutboundRoutes::readBrokerUser)
                .to("direct:outbound");

        for (String service : parties.services()) {
            templatedRoute("national-outbound").routeId("outbound-" + service + "-receive")
                    .parameter("service", service);
        }

        from("direct:outbound").routeId("outbound-process")
                .routeConfigurationId(ErrorHandling.ID)
                .process(this::validate).id("outbound-validate")
                .process(this::checkSender).id("outbound-sender-check")
                .process(this::seal).id("outbound-seal")
                .split(exchangeProperty(Headers.SEALED))
                    .process(OutboundRoutes::prepareDelivery)
                    .toD(PARTNER_OUT).id("outbound-deliver")
                    .process(this::auditQueued)
                .end();
    }

    /**
     * The broker stamps the authenticated account on every message, overwriting what a client may have put
     * there; it is read from the JMS message itself, not from headers that other steps could have set.
     */
    private static void readBrokerUser(Exchange exchange) throws JMSException {
        String user = null;
        String arrival = null;
        if (exchange.getIn() instanceof JmsMessage jms && jms.getJmsMessage() != null) {
            user = jms.getJmsMessage().getStringProperty(Headers.BROKER_SENDER_PROPERTY);
            arrival = jms.getJmsMessage().getStringProperty(Headers.ARRIVAL_ID_PROPERTY);
            if (arrival == null) {
                arrival = jms.getJmsMessage().getJMSMessageID();
            }
        }
        exchange.setProperty(Headers.BROKER_USER, user);
        exchange.setProperty(Headers.ARRIVAL_ID, arrival);
    }

    private void validate(Exchange exchange) {
        byte[] body = exchange.getIn().getBody(byte[].class);
        Envelope envelope = reader.read(body);
        exchange.setProperty(Headers.ENVELOPE, envelope);
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        audit.record(envelope.getMessageId(), AuditEvent.OUTBOUND_RECEIVED, envelope.getSender(), null,
                "from queue national." + exchange.getProperty(Headers.SERVICE, String.class) + ".out, "
                        + body.length + " bytes, " + envelope.getMessageType());
    }

    private void checkSender(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        if (envelope.getExpiresAt() != null
                && envelope.getExpiresAt().toGregorianCalendar().toInstant().isBefore(clock.instant())) {
            throw new GatewayException(ReasonCode.EXPIRED, "expired at " + envelope.getExpiresAt());
        }
        String brokerUser = exchange.getProperty(Headers.BROKER_USER, String.class);
        String service = exchange.getProperty(Headers.SERVICE, String.class);
        if (!parties.isService(envelope.getSender())) {
            throw new GatewayException(ReasonCode.UNKNOWN_SENDER,
                    "sender '" + envelope.getSender() + "' is not a configured national service");
        }
        if (brokerUser == null || !brokerUser.equals(envelope.getSender()) || !envelope.getSender().equals(service)) {
            throw new GatewayException(ReasonCode.SENDER_MISMATCH, "envelope sender '" + envelope.getSender()
                    + "' but sent by broker account '" + brokerUser + "' on the queue of '" + service + "'");
        }
    }

    /**
     * Seals once per partner. A copy already in the store for this message and partner was sealed by an earlier
     * delivery of the same national message that did not commit (a crash): that copy is sent, not a new one. A
     * copy sealed from another national message means the service sent the same messageId twice: refused.
     */
    private void seal(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        List<Partner> recipients = new ArrayList<>();
        for (String id : new LinkedHashSet<>(envelope.getRecipients().getRecipient())) {
            recipients.add(parties.partner(id).orElseThrow(() -> new GatewayException(ReasonCode.UNKNOWN_PARTNER,
                    "recipient '" + id + "' is not a configured partner")));
        }
        byte[] plaintext = exchange.getIn().getBody(byte[].class);
        String arrival = exchange.getProperty(Headers.ARRIVAL_ID, String.class);
        List<SealedMessage> sealed = new ArrayList<>();
        for (Partner partner : recipients) {
            byte[] bytes = earlierCopy(envelope.getMessageId(), partner.id(), arrival);
            if (bytes == null) {
                bytes = profiles.get(partner.profile())
                        .seal(plaintext, parties.identity().signing(), partner.currentEncryption());
                if (store.store(MessageStore.Direction.OUTBOUND, envelope.getMessageId(), partner.id(),
                        envelope.getMessageType().value(), bytes, plaintext, null, arrival)) {
                    audit.record(envelope.getMessageId(), AuditEvent.OUTBOUND_SEALED, "gateway", partner.id(),
                            partner.profile() + " profile, " + bytes.length + " bytes, sha256 "
                                    + Receipts.sha256Hex(bytes));
                } else {
                    bytes = earlierCopy(envelope.getMessageId(), partner.id(), arrival);
                }
            }
            sealed.add(new SealedMessage(partner.id(), bytes));
        }
        exchange.setProperty(Headers.SEALED, sealed);
    }

    /** The sealed bytes recorded for this message and partner by an earlier delivery of the same national message. */
    private byte[] earlierCopy(String messageId, String partner, String arrival) {
        MessageStore.Copy copy = store.copy(MessageStore.Direction.OUTBOUND, messageId, partner).orElse(null);
        if (copy == null) {
            return null;
        }
        if (copy.source() != null && !copy.source().equals(arrival)) {
            throw new GatewayException(ReasonCode.DUPLICATE_MESSAGE, "messageId " + messageId
                    + " was already sent to " + partner + " in another message");
        }
        audit.record(messageId, AuditEvent.OUTBOUND_ALREADY_SEALED, "gateway", partner,
                "sha256 " + Receipts.sha256Hex(copy.sealed()));
        return copy.sealed();
    }

    private static void prepareDelivery(Exchange exchange) {
        SealedMessage sealed = exchange.getIn().getBody(SealedMessage.class);
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setHeader(Headers.PARTNER, sealed.partner());
        exchange.getIn().setHeader(Headers.SENDER, envelope.getSender());
        // The partner queue delivers by priority: an IMMEDIATE or URGENT message overtakes a ROUTINE backlog.
        exchange.getIn().setHeader("JMSPriority", jmsPriority(envelope.getPriority()));
        exchange.getIn().setHeader("JMSDeliveryMode", DeliveryMode.PERSISTENT);
        exchange.setProperty(Headers.TARGET_PARTNER, sealed.partner());
        exchange.getIn().setBody(sealed.sealed());
    }

    /** JMS priority of a message of this envelope priority (0 to 9; 4 is JMS's default). */
    static int jmsPriority(Priority priority) {
        return switch (priority == null ? Priority.ROUTINE : priority) {
            case IMMEDIATE -> 9;
            case URGENT -> 7;
            case ROUTINE -> 4;
        };
    }

    private void auditQueued(Exchange exchange) {
        audit.record(exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class), AuditEvent.OUTBOUND_QUEUED,
                "gateway", exchange.getProperty(Headers.TARGET_PARTNER, String.class),
                "partner." + exchange.getProperty(Headers.TARGET_PARTNER, String.class) + ".out");
    }

}
