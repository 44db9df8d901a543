package fr.passerelle.routes.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

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
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Envelope;

/**
 * Inbound flow: a sealed message from an identified partner, in that partner's security profile → decrypt with our key → verify the signature
 * against that partner's CAs → validate → refuse a messageId already received from that partner → deliver to
 * {@code national.<s>.in} → signed receipt as the reply body. A refusal propagates to the caller as a
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
    private static final String REPLAY_KEY = "passerelleReplayKey";

    private final Parties parties;
    private final EnvelopeReader reader;
    private final SecurityProfiles profiles;
    private final Receipts receipts;
    private final IdempotentRepository replays;
    private final AuditTrail audit;
    private final MessageStore store;
    private final Clock clock;

    public InboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, Receipts receipts,
            IdempotentRepository replays, AuditTrail audit, MessageStore store, Clock clock) {
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
                .onCompletion().onFailureOnly().process(this::releaseReplayKey).end()
                .process(this::received).id("inbound-received")
                .process(this::open).id("inbound-open")
                .process(this::validate).id("inbound-validate")
                .process(this::checkReplay).id("inbound-replay-check")
                .process(this::route).id("inbound-route")
                .split(exchangeProperty(TARGET_SERVICES))
                    .setProperty(TARGET_SERVICE, body())
                    .process(this::prepareDelivery)
                    .toD(NATIONAL_IN).id("inbound-deliver")
                    .process(this::auditDelivered)
                .end()
                .process(this::receipt).id("inbound-receipt");
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
        if (!partner.equals(envelope.getSender())) {
            throw new GatewayException(ReasonCode.SENDER_NOT_PARTNER,
                    "envelope sender '" + envelope.getSender() + "' but the client certificate is " + partner + "'s");
        }
    }

    private void checkReplay(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String key = partnerOf(exchange) + "/" + envelope.getMessageId();
        if (!replays.add(key)) {
            throw new GatewayException(ReasonCode.DUPLICATE_MESSAGE,
                    "messageId " + envelope.getMessageId() + " was already received from " + partnerOf(exchange));
        }
        exchange.setProperty(REPLAY_KEY, key);
    }

    /** Explicit recipients that are national services; else the default service. */
    private void route(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        Set<String> targets = new LinkedHashSet<>();
        for (String recipient : envelope.getRecipients().getRecipient()) {
            if (parties.isService(recipient)) {
                targets.add(recipient);
            }
        }
        if (targets.isEmpty()) {
            targets.add(parties.defaultService());
        }
        exchange.setProperty(TARGET_SERVICES, new ArrayList<>(targets));
    }

    private void prepareDelivery(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setHeader(Headers.PARTNER, envelope.getSender());
        exchange.getIn().setHeader(Headers.MESSAGE_TYPE, envelope.getMessageType().value());
        exchange.getIn().setBody(new String(exchange.getProperty(PLAINTEXT, byte[].class),
                StandardCharsets.UTF_8));
    }

    private void auditDelivered(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String service = exchange.getProperty(TARGET_SERVICE, String.class);
        audit.record(envelope.getMessageId(), AuditEvent.INBOUND_DELIVERED, "gateway", envelope.getSender(),
                "national." + service + ".in");
    }

    private void receipt(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        byte[] receipt = receipts.accepted(envelope.getMessageId(), envelope.getSender(),
                exchange.getProperty(SEALED_BYTES, byte[].class), clock.instant());
        store.store(MessageStore.Direction.INBOUND, envelope.getMessageId(), envelope.getSender(),
                envelope.getMessageType().value(), exchange.getProperty(SEALED_BYTES, byte[].class),
                exchange.getProperty(PLAINTEXT, byte[].class), receipt);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setBody(receipt);
        audit.record(envelope.getMessageId(), AuditEvent.RECEIPT_ISSUED, "gateway", envelope.getSender(),
                "receipt " + receipt.length + " bytes");
    }

    /** A message that failed after this exchange recorded its id was not delivered: the partner may send it again. */
    private void releaseReplayKey(Exchange exchange) {
        String key = exchange.getProperty(REPLAY_KEY, String.class);
        if (key != null) {
            replays.remove(key);
        }
    }

    private static String partnerOf(Exchange exchange) {
        String partner = exchange.getProperty(Headers.CLIENT_PARTNER, String.class);
        if (partner == null) {
            throw new GatewayException(ReasonCode.CLIENT_NOT_PARTNER, "no partner was identified for this request");
        }
        return partner;
    }
}
