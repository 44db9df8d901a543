package fr.passerelle.routes.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.seal.Opened;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageSummaries;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Envelope;

/**
 * Inbound flow: a sealed message from an identified partner, in that partner's security profile → decrypt with our key → verify the signature
 * against that partner's CAs → validate → refuse a messageId already received from that partner (the same
 * message again gets its first receipt again) → deliver to {@code national.<s>.in} → signed receipt as the reply
 * body. A refusal propagates to the caller as a
 * {@link GatewayException} after the error policy has audited and quarantined it.
 */
public final class InboundRoutes extends RouteBuilder {

    /** Where the partner endpoint hands a sealed message, with the partner in {@link Headers#CLIENT_PARTNER}. */
    public static final String ENTRY = "direct:inbound";
    /** Where a partner's message is delivered. */
    public static final String NATIONAL_IN = "jms:queue:national.${exchangeProperty.passerelleTargetService}.in";

    private static final String TARGET_SERVICE = "passerelleTargetService";
    private static final String TARGET_SERVICES = "passerelleTargetServices";
    private static final String SEALED_BYTES = "passerelleSealedBytes";
    private static final String PLAINTEXT = "passerellePlaintext";
    private static final String REPEATED_RECEIPT = "passerelleRepeatedReceipt";
    /** Artemis drops a message carrying a duplicate-detection id it has already seen on the same address. */
    private static final String BROKER_DUPLICATE_ID = "_AMQ_DUPL_ID";

    private final Parties parties;
    private final EnvelopeReader reader;
    private final SecurityProfiles profiles;
    private final Receipts receipts;
    private final IdempotentRepository replays;
    private final AuditTrail audit;
    private final MessageStore store;
    private final Clock clock;
    private final InboundRouting routing;

    public InboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, Receipts receipts,
            IdempotentRepository replays, AuditTrail audit, MessageStore store, Clock clock) {
        this(parties, reader, profiles, receipts, replays, audit, store, clock, new InboundRouting(
                InboundRouting.Rules.of(parties, Map.of(), Map.of()), CaseRegistry.NONE));
    }

    /** @param routing which national services a partner's message goes to */
    public InboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, Receipts receipts,
            IdempotentRepository replays, AuditTrail audit, MessageStore store, Clock clock, InboundRouting routing) {
        this.routing = routing;
        this.parties = parties;
        this.reader = reader;
        this.profiles = profiles;
        this.receipts = receipts;
        this.replays = replays;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void configure() throws Exception {
        // The guard is used directly, not through idempotentConsumer, so its lifecycle is tied to the context here.
        getCamelContext().addService(replays, true, true);
        from(ENTRY).routeId("inbound-receive")
                .routeConfigurationId(ErrorHandling.INBOUND_ID)
                .process(this::received).id("inbound-received")
                .process(this::open).id("inbound-open")
                .process(this::validate).id("inbound-validate")
                .process(this::checkReplay).id("inbound-replay-check")
                .choice()
                    .when(exchangeProperty(REPEATED_RECEIPT).isNotNull())
                        .process(this::repeatReceipt).id("inbound-repeat-receipt")
                    .otherwise()
                        .process(this::route).id("inbound-route")
                        .split(exchangeProperty(TARGET_SERVICES))
                            .setProperty(TARGET_SERVICE, body())
                            .process(this::prepareDelivery)
                            .toD(NATIONAL_IN).id("inbound-deliver")
                            .process(this::auditDelivered)
                        .end()
                        .process(this::receipt).id("inbound-receipt")
                .end();
    }

    private void received(Exchange exchange) {
        String partner = partnerOf(exchange);
        byte[] sealed = exchange.getIn().getBody(byte[].class);
        exchange.setProperty(SEALED_BYTES, sealed);
        audit.record(null, AuditEvent.INBOUND_RECEIVED, partner, partner,
                sealed.length + " bytes, sha256 " + Receipts.sha256Hex(sealed));
    }

    private void open(Exchange exchange) {
        Partner partner = parties.partner(partnerOf(exchange)).orElseThrow();
        byte[] sealed = exchange.getProperty(SEALED_BYTES, byte[].class);
        Opened opened = profiles.get(partner.profile()).open(sealed, parties.identity().decryption(), partner.trust());
        exchange.setProperty(PLAINTEXT, opened.content());
        audit.record(null, AuditEvent.INBOUND_OPENED, partner.id(), partner.id(),
                "signer " + opened.signer().getSubjectX500Principal().getName());
    }

    private void validate(Exchange exchange) {
        String partner = partnerOf(exchange);
        Envelope envelope = reader.read(exchange.getProperty(PLAINTEXT, byte[].class));
        exchange.setProperty(Headers.ENVELOPE, envelope);
        if (!parties.maySendAs(partner, envelope.getSender())) {
            throw new GatewayException(ReasonCode.SENDER_NOT_PARTNER, "envelope sender '" + envelope.getSender()
                    + "' is not a sender configured for " + partner + ", whose client certificate this is");
        }
        audit.record(envelope.getMessageId(), AuditEvent.INBOUND_VALIDATED, partner, partner,
                envelope.getMessageType().value() + " from " + envelope.getSender() + ", sha256 "
                        + Receipts.sha256Hex(exchange.getProperty(SEALED_BYTES, byte[].class)));
    }

    /**
     * A messageId is accepted once per partner. The same sealed bytes again (the partner did not get our receipt,
     * or its sender crashed before recording it) get the receipt we issued the first time, and are not delivered
     * again; other bytes under a messageId already accepted are refused.
     */
    private void checkReplay(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String partner = partnerOf(exchange);
        MessageStore.Copy earlier = store.copy(MessageStore.Direction.INBOUND, envelope.getMessageId(), partner)
                .orElse(null);
        if (earlier != null && earlier.receipt() != null
                && Arrays.equals(earlier.sealed(), exchange.getProperty(SEALED_BYTES, byte[].class))) {
            exchange.setProperty(REPEATED_RECEIPT, earlier.receipt());
            return;
        }
        if (earlier != null || replays.contains(replayKey(partner, envelope.getMessageId()))) {
            throw new GatewayException(ReasonCode.DUPLICATE_MESSAGE,
                    "messageId " + envelope.getMessageId() + " was already received from " + partner);
        }
    }

    private void repeatReceipt(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        byte[] receipt = exchange.getProperty(REPEATED_RECEIPT, byte[].class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setBody(receipt);
        audit.record(envelope.getMessageId(), AuditEvent.INBOUND_REPEATED, "gateway", partnerOf(exchange),
                "receipt " + receipt.length + " bytes sent again");
    }

    private static String replayKey(String partner, String messageId) {
        return partner + "/" + messageId;
    }

    /** The national services the message goes to, by the routing rules; the rule that decided is audited. */
    private void route(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        InboundRouting.Routing routed = routing.route(envelope);
        exchange.setProperty(TARGET_SERVICES, new ArrayList<>(routed.services()));
        audit.record(envelope.getMessageId(), AuditEvent.INBOUND_ROUTED, "gateway", partnerOf(exchange),
                routed.reason());
    }

    private void prepareDelivery(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setHeader(Headers.PARTNER, partnerOf(exchange));
        exchange.getIn().setHeader(Headers.SENDER, envelope.getSender());
        exchange.getIn().setHeader(Headers.MESSAGE_TYPE, envelope.getMessageType().value());
        // Delivered again after a crash before the receipt was recorded, the broker keeps only the first copy.
        exchange.getIn().setHeader(BROKER_DUPLICATE_ID, replayKey(partnerOf(exchange), envelope.getMessageId())
                + "/" + exchange.getProperty(TARGET_SERVICE, String.class));
        exchange.getIn().setBody(new String(exchange.getProperty(PLAINTEXT, byte[].class),
                StandardCharsets.UTF_8));
    }

    private void auditDelivered(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String service = exchange.getProperty(TARGET_SERVICE, String.class);
        audit.record(envelope.getMessageId(), AuditEvent.INBOUND_DELIVERED, "gateway", partnerOf(exchange),
                "national." + service + ".in");
    }

    private void receipt(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        byte[] receipt = receipts.accepted(envelope.getMessageId(), partnerOf(exchange),
                exchange.getProperty(SEALED_BYTES, byte[].class), clock.instant());
        store.store(MessageStore.Direction.INBOUND, envelope.getMessageId(), partnerOf(exchange),
                MessageSummaries.of(envelope), exchange.getProperty(SEALED_BYTES, byte[].class),
                exchange.getProperty(PLAINTEXT, byte[].class), receipt, null);
        // Recorded last: a crash before this point lets the partner send the message again.
        replays.add(replayKey(partnerOf(exchange), envelope.getMessageId()));
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setBody(receipt);
        audit.record(envelope.getMessageId(), AuditEvent.RECEIPT_ISSUED, "gateway", partnerOf(exchange),
                "receipt " + receipt.length + " bytes");
    }

    private static String partnerOf(Exchange exchange) {
        String partner = exchange.getProperty(Headers.CLIENT_PARTNER, String.class);
        if (partner == null) {
            throw new GatewayException(ReasonCode.CLIENT_NOT_PARTNER, "no partner was identified for this request");
        }
        return partner;
    }
}
