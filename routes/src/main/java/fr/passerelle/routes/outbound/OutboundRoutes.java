package fr.passerelle.routes.outbound;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.component.jms.JmsMessage;

import fr.passerelle.routes.Availability;
import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.StageTimings.Stage;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.audit.ExchangeAudit;
import fr.passerelle.routes.format.Formats;
import fr.passerelle.routes.format.PartnerFormat;
import fr.passerelle.routes.inbound.CaseRegistry;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.policy.BodyPart;
import fr.passerelle.routes.policy.PartnerRules;
import fr.passerelle.routes.policy.Redaction;
import fr.passerelle.routes.policy.Release;
import fr.passerelle.routes.policy.ReleasePolicy;
import fr.passerelle.routes.review.InMemoryReviewDecisions;
import fr.passerelle.routes.review.ReviewDecision;
import fr.passerelle.routes.review.ReviewDecisions;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageSummaries;
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
    /**
     * Consumers of each national queue taking every message, unless {@link #withConsumers} says otherwise. Several,
     * because each one spends part of a message waiting (the broker's journal write at commit, the database):
     * together they keep the processors busy, and the broker writes their commits together. The national queue
     * promises no order between messages, only priority, which the urgent lane keeps.
     */
    public static final int DEFAULT_CONSUMERS = 4;
    /** The JMS priority of an URGENT message; IMMEDIATE is above it, ROUTINE below. */
    public static final int URGENT_PRIORITY = 7;
    /** The endpoint option of the consumers that take URGENT and IMMEDIATE messages only. */
    public static final String URGENT_LANE = "&selector=RAW(JMSPriority >= " + URGENT_PRIORITY + ")";
    /**
     * Where a partner's sealed messages are queued. The queue, {@code partner.<p>.out}, is named on each message
     * ({@link JmsConstants#JMS_DESTINATION_NAME}, which the endpoint takes off before sending): one endpoint for
     * every partner, and no endpoint URI to resolve for each message.
     */
    public static final String PARTNER_OUT = "jms:queue:partner.out?preserveMessageQos=true";

    /** Where messages wait for a supervisor's review. */
    public static final String REVIEW_URI = "jms:queue:gateway.review";
    /** Where an approved message goes on through the outbound flow. */
    public static final String REVIEWED = "direct:outbound-reviewed";
    /** Where a rejected message goes to quarantine. */
    public static final String REJECTED = "direct:outbound-rejected";
    /** On a national message, the person who submitted it (set by the service's tooling); else the account. */
    public static final String SUBMITTER = "PasserelleSubmitter";
    /** On a held message: the recipients it is for. */
    public static final String HELD_PARTNERS = "PasserelleHeldFor";
    /** On a held message: why it is held. */
    public static final String REVIEW_REASONS = "PasserelleReviewReasons";
    /** On a held message: the broker account that sent it, as the broker stamped it then. */
    public static final String HELD_BROKER_USER = "PasserelleHeldBrokerUser";
    /** On a held message: the broker's arrival id of the national message, so that it is still sealed once. */
    public static final String HELD_ARRIVAL_ID = "PasserelleHeldArrivalId";
    /** On a decided message handed back to the flow: who decided. */
    public static final String REVIEW_DECIDED_BY = "PasserelleReviewDecidedBy";
    /** On a decided message handed back to the flow: the supervisor's comment. */
    public static final String REVIEW_COMMENT = "PasserelleReviewComment";
    /** What a held message carries from the gateway, read back when a supervisor decides. */
    public static final List<String> HELD_HEADERS = List.of(Headers.MESSAGE_ID, Headers.SENDER, SUBMITTER,
            HELD_BROKER_USER, HELD_ARRIVAL_ID);

    private static final String HOLD = "passerelleHold";
    private static final String REMOVALS = "passerelleRemovals";
    private static final String POLICY_STARTED = "passerellePolicyStarted";
    private static final String SEALED_COUNT = "passerelleSealedCount";

    private final Parties parties;
    private final EnvelopeReader reader;
    private final SecurityProfiles profiles;
    private final AuditTrail audit;
    private final MessageStore store;
    private final Clock clock;
    private final PartnerRules rules;
    private final ReviewDecisions decisions;
    private final CaseRegistry cases;
    private final ReleasePolicy releasePolicy = new ReleasePolicy();
    private final Redaction redaction = new Redaction();
    private StageTimings timings = StageTimings.NONE;
    private Availability availability = Availability.ALWAYS;
    private int consumers = DEFAULT_CONSUMERS;

    public OutboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, AuditTrail audit,
            MessageStore store, Clock clock) {
        this(parties, reader, profiles, audit, store, clock, PartnerRules.none(), new InMemoryReviewDecisions(),
                CaseRegistry.NONE);
    }

    /**
     * @param rules each partner's releasability policy and format
     * @param decisions the supervisors' review decisions
     * @param cases where the case references services use are remembered, so that partners' answers find them
     */
    public OutboundRoutes(Parties parties, EnvelopeReader reader, SecurityProfiles profiles, AuditTrail audit,
            MessageStore store, Clock clock, PartnerRules rules, ReviewDecisions decisions, CaseRegistry cases) {
        this.rules = rules;
        this.decisions = decisions;
        this.cases = cases;
        this.parties = parties;
        this.reader = reader;
        this.profiles = profiles;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    /** Where the time each message spends validating, in policy and sealing is reported; none by default. */
    public OutboundRoutes withTimings(StageTimings stageTimings) {
        this.timings = stageTimings;
        return this;
    }

    /** What the consumers wait for before they work on a message: the database, when it is down. */
    public OutboundRoutes withAvailability(Availability dependencies) {
        this.availability = dependencies;
        return this;
    }

    /** How many consumers of each national queue take every message (its urgent lane has one more). */
    public OutboundRoutes withConsumers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one consumer per national queue, not " + count);
        }
        this.consumers = count;
        return this;
    }

    @Override
    public void configure() {
        routeTemplate("national-outbound")
                .templateParameter("service")
                .templateParameter("lane", "")
                .templateParameter("consumers", "1")
                .from(NATIONAL_OUT + "&concurrentConsumers={{consumers}}{{lane}}")
                .routeConfigurationId(ErrorHandling.ID)
                .process(this::awaitAvailable)
                .setProperty(Headers.SERVICE, constant("{{service}}"))
                .process(OutboundRoutes::readBrokerUser)
                .to("direct:outbound");

        // Two routes per service: one whose consumers take everything in priority order, the other only URGENT
        // and IMMEDIATE messages, so that these never wait for ROUTINE messages being processed.
        for (String service : parties.services()) {
            templatedRoute("national-outbound").routeId("outbound-" + service + "-receive")
                    .parameter("service", service).parameter("consumers", Integer.toString(consumers));
            templatedRoute("national-outbound").routeId("outbound-" + service + "-urgent")
                    .parameter("service", service).parameter("lane", URGENT_LANE);
        }

        from("direct:outbound").routeId("outbound-process")
                .routeConfigurationId(ErrorHandling.ID)
                .process(this::validate).id("outbound-validate")
                .process(this::checkSender).id("outbound-sender-check")
                .process(this::release).id("outbound-release")
                .filter(exchangeProperty(HOLD).isNotNull())
                    .process(this::hold).id("outbound-hold")
                    .to(REVIEW_URI).id("outbound-review-queue")
                    .process(OutboundRoutes::heldNotice)
                    .toD(ErrorHandling.NOTICE_URI).id("outbound-held-notice")
                    .process(this::writeAudit).id("outbound-held-audit")
                    .stop()
                .end()
                .process(this::timedSeal).id("outbound-seal")
                // One pass per sealed copy, on this exchange: nothing to copy, unlike a split.
                .loop(exchangeProperty(SEALED_COUNT))
                    .process(OutboundRoutes::prepareDelivery)
                    .to(PARTNER_OUT).id("outbound-deliver")
                    .process(OutboundRoutes::auditQueued)
                .end()
                .process(this::writeAudit).id("outbound-audit");

        reviewedRoutes();
    }

    private void awaitAvailable(Exchange exchange) {
        availability.awaitAvailable(() -> Availability.stopping(exchange.getContext()));
    }

    /** A message a supervisor approved goes on, as the service sent it, from the release step. */
    private void reviewedRoutes() {
        from(REVIEWED).routeId("outbound-reviewed")
                .routeConfigurationId(ErrorHandling.ID)
                .process(OutboundRoutes::restoreHeld)
                .to("direct:outbound");

        from(REJECTED).routeId("outbound-rejected")
                .routeConfigurationId(ErrorHandling.ID)
                .process(OutboundRoutes::restoreHeld)
                .process(exchange -> {
                    throw new GatewayException(ReasonCode.REVIEW_REJECTED, "rejected by "
                            + exchange.getIn().getHeader(REVIEW_DECIDED_BY) + ": "
                            + exchange.getIn().getHeader(REVIEW_COMMENT, "", String.class));
                });
    }

    private static void restoreHeld(Exchange exchange) {
        exchange.setProperty(Headers.SERVICE, exchange.getIn().getHeader(Headers.SENDER, String.class));
        exchange.setProperty(Headers.BROKER_USER, exchange.getIn().getHeader(HELD_BROKER_USER, String.class));
        exchange.setProperty(Headers.ARRIVAL_ID, exchange.getIn().getHeader(HELD_ARRIVAL_ID, String.class));
        exchange.setProperty(SUBMITTER, exchange.getIn().getHeader(SUBMITTER, String.class));
    }

    /**
     * The broker stamps the authenticated account on every message, overwriting what a client may have put
     * there; it is read from the JMS message itself, not from headers that other steps could have set.
     */
    private static void readBrokerUser(Exchange exchange) throws JMSException {
        String user = null;
        String arrival = null;
        String submitter = null;
        if (exchange.getIn() instanceof JmsMessage jms && jms.getJmsMessage() != null) {
            jakarta.jms.Message message = jms.getJmsMessage();
            user = message.getStringProperty(Headers.BROKER_SENDER_PROPERTY);
            arrival = message.getStringProperty(Headers.ARRIVAL_ID_PROPERTY);
            if (arrival == null) {
                arrival = message.getJMSMessageID();
            }
            submitter = message.getStringProperty(SUBMITTER);
        }
        exchange.setProperty(Headers.BROKER_USER, user);
        exchange.setProperty(Headers.ARRIVAL_ID, arrival);
        exchange.setProperty(SUBMITTER, submitter == null || submitter.isBlank() ? user : submitter);
    }

    private void validate(Exchange exchange) {
        byte[] body = exchange.getIn().getBody(byte[].class);
        long started = System.nanoTime();
        Envelope envelope;
        try {
            envelope = reader.read(body);
        } finally {
            timings.record(Stage.VALIDATE, System.nanoTime() - started);
        }
        exchange.setProperty(Headers.ENVELOPE, envelope);
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        ExchangeAudit.of(exchange).record(envelope.getMessageId(), AuditEvent.OUTBOUND_RECEIVED, envelope.getSender(),
                null, "from queue national." + exchange.getProperty(Headers.SERVICE, String.class) + ".out, "
                        + body.length + " bytes, " + envelope.getMessageType());
    }

    /** The policy stage is the sender check and the release policy; a refusal by either ends it. */
    private void checkSender(Exchange exchange) {
        exchange.setProperty(POLICY_STARTED, System.nanoTime());
        try {
            checkSenderNow(exchange);
        } catch (RuntimeException refused) {
            policyDone(exchange);
            throw refused;
        }
    }

    private void policyDone(Exchange exchange) {
        Long started = exchange.getProperty(POLICY_STARTED, Long.class);
        if (started != null) {
            exchange.removeProperty(POLICY_STARTED);
            timings.record(Stage.POLICY, System.nanoTime() - started);
        }
    }

    private void checkSenderNow(Exchange exchange) {
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
        // Only now that the sender is proven: partners' answers under this case reference will find the service.
        if (envelope.getCaseReference() != null) {
            cases.remember(envelope.getCaseReference(), service);
        }
    }

    /**
     * The releasability policy of every recipient: a refusal quarantines the message for all of them; parts a
     * partner may not receive are noted for removal; a rule asking for review holds the message unless a
     * supervisor already approved it.
     */
    private void release(Exchange exchange) {
        try {
            releaseNow(exchange);
        } finally {
            policyDone(exchange);
        }
    }

    private void releaseNow(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String service = exchange.getProperty(Headers.SERVICE, String.class);
        Map<String, Set<BodyPart>> removals = new LinkedHashMap<>();
        List<String> reviewReasons = new ArrayList<>();
        for (Partner partner : recipients(envelope)) {
            Release release = releasePolicy.evaluate(envelope, service, partner.id(), rules.policy(partner.id()));
            removals.put(partner.id(), release.toRemove());
            if (release.reviewRequired()) {
                reviewReasons.addAll(release.reviewReasons());
            }
        }
        exchange.setProperty(REMOVALS, removals);
        if (reviewReasons.isEmpty()) {
            return;
        }
        ReviewDecision decision = decisions.decision(envelope.getMessageId()).orElse(null);
        if (decision == null) {
            exchange.setProperty(HOLD, String.join("; ", reviewReasons));
        } else if (!decision.approved()) {
            throw new GatewayException(ReasonCode.REVIEW_REJECTED, "rejected by " + decision.decidedBy()
                    + (decision.comment() == null ? "" : ": " + decision.comment()));
        }
    }

    /** The original envelope, as the service sent it, to {@code gateway.review} with what a supervisor needs. */
    private void hold(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        String reasons = exchange.getProperty(HOLD, String.class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setHeader(Headers.SENDER, envelope.getSender());
        exchange.getIn().setHeader(SUBMITTER, exchange.getProperty(SUBMITTER, String.class));
        exchange.getIn().setHeader(HELD_BROKER_USER, exchange.getProperty(Headers.BROKER_USER, String.class));
        exchange.getIn().setHeader(HELD_ARRIVAL_ID, exchange.getProperty(Headers.ARRIVAL_ID, String.class));
        exchange.getIn().setHeader(HELD_PARTNERS, String.join(",", new LinkedHashSet<>(
                envelope.getRecipients().getRecipient())));
        exchange.getIn().setHeader(REVIEW_REASONS, reasons);
        exchange.getIn().setHeader("JMSPriority", jmsPriority(envelope.getPriority()));
        exchange.getIn().setHeader("JMSDeliveryMode", DeliveryMode.PERSISTENT);
        // One record per partner, so that each partner's desk sees its held messages in the audit timeline.
        for (String partner : new LinkedHashSet<>(envelope.getRecipients().getRecipient())) {
            ExchangeAudit.of(exchange).record(envelope.getMessageId(), AuditEvent.REVIEW_REQUESTED, "gateway", partner,
                    reasons);
        }
    }

    /** The step's audit records, kept on the exchange ({@link ExchangeAudit}), go to the trail in one write. */
    private void writeAudit(Exchange exchange) {
        ExchangeAudit.flush(exchange, audit);
    }

    /** The sending service is told its message waits for a supervisor, and why. */
    private static void heldNotice(Exchange exchange) {
        String messageId = exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class);
        String reasons = exchange.getIn().getHeader(REVIEW_REASONS, String.class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, messageId);
        exchange.getIn().setHeader(Headers.NOTICE, "HELD");
        exchange.getIn().setHeader(Headers.REASON, reasons);
        exchange.getIn().setBody("Your message " + messageId + " waits for a supervisor's review before release: "
                + reasons + "\n");
    }

    private List<Partner> recipients(Envelope envelope) {
        List<Partner> recipients = new ArrayList<>();
        for (String id : new LinkedHashSet<>(envelope.getRecipients().getRecipient())) {
            recipients.add(parties.partner(id).orElseThrow(() -> new GatewayException(ReasonCode.UNKNOWN_PARTNER,
                    "recipient '" + id + "' is not a configured partner")));
        }
        return recipients;
    }

    /** The seal stage: redaction, format, sealing and the stored copy, for every recipient. */
    private void timedSeal(Exchange exchange) {
        long started = System.nanoTime();
        try {
            seal(exchange);
        } finally {
            timings.record(Stage.SEAL, System.nanoTime() - started);
        }
    }

    /**
     * Seals once per partner. The store keeps one copy per message and partner: when it already holds one, sealed by
     * an earlier delivery of the same national message that did not commit (a crash), that copy is sent, not the
     * new one, and what was done to make the new one is not audited. A copy sealed from another national message
     * means the service sent the same messageId twice: refused. The store is asked after sealing, not before, so
     * that a first delivery, nearly every delivery, costs one database write and no read.
     */
    private void seal(Exchange exchange) {
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        @SuppressWarnings("unchecked")
        Map<String, Set<BodyPart>> removals = exchange.getProperty(REMOVALS, Map.class);
        byte[] original = exchange.getIn().getBody(byte[].class);
        String arrival = exchange.getProperty(Headers.ARRIVAL_ID, String.class);
        List<SealedMessage> sealed = new ArrayList<>();
        AuditTrail kept = ExchangeAudit.of(exchange);
        for (Partner partner : recipients(envelope)) {
            List<AuditTrail.Entry> viewRecords = new ArrayList<>();
            byte[] plaintext = partnerView(envelope, original, partner.id(), removals.get(partner.id()),
                    (messageId, event, actor, to, details) -> viewRecords.add(
                            new AuditTrail.Entry(messageId, event, actor, to, details)));
            byte[] bytes = profiles.get(partner.profile())
                    .seal(plaintext, parties.identity().signing(), partner.currentEncryption());
            if (store.store(MessageStore.Direction.OUTBOUND, envelope.getMessageId(), partner.id(),
                    MessageSummaries.of(envelope), bytes, plaintext, null, arrival)) {
                kept.recordAll(viewRecords);
                kept.record(envelope.getMessageId(), AuditEvent.OUTBOUND_SEALED, "gateway", partner.id(),
                        partner.profile() + " profile, " + bytes.length + " bytes, sha256 "
                                + Receipts.sha256Hex(bytes));
            } else {
                bytes = earlierCopy(envelope.getMessageId(), partner.id(), arrival, kept);
            }
            sealed.add(new SealedMessage(partner.id(), bytes));
        }
        exchange.setProperty(Headers.SEALED, sealed);
        exchange.setProperty(SEALED_COUNT, sealed.size());
    }

    /**
     * What this partner receives: the envelope without the parts it may not receive (what was removed is
     * audited, by kind and id, never its content), rendered in the partner's format.
     */
    private byte[] partnerView(Envelope envelope, byte[] original, String partner, Set<BodyPart> remove,
            AuditTrail kept) {
        byte[] view = original;
        if (remove != null && !remove.isEmpty()) {
            Redaction.Redacted redacted = redaction.apply(envelope, remove);
            kept.record(envelope.getMessageId(), AuditEvent.CONTENT_REDACTED, "gateway", partner,
                    redacted.description());
            view = Redaction.toXml(redacted.envelope());
        }
        PartnerFormat format = rules.format(partner);
        if (format != PartnerFormat.ENVELOPE) {
            view = Formats.render(format, view);
            kept.record(envelope.getMessageId(), AuditEvent.OUTBOUND_TRANSFORMED, "gateway", partner,
                    format.formatName() + ", " + view.length + " bytes");
        }
        return view;
    }

    /** The sealed bytes the store kept for this message and partner, from an earlier delivery of the same message. */
    private byte[] earlierCopy(String messageId, String partner, String arrival, AuditTrail kept) {
        MessageStore.Copy copy = store.copy(MessageStore.Direction.OUTBOUND, messageId, partner).orElseThrow(
                () -> new IllegalStateException("the store refused a copy of " + messageId + " for " + partner
                        + " but holds none"));
        if (copy.source() != null && !copy.source().equals(arrival)) {
            throw new GatewayException(ReasonCode.DUPLICATE_MESSAGE, "messageId " + messageId
                    + " was already sent to " + partner + " in another message");
        }
        kept.record(messageId, AuditEvent.OUTBOUND_ALREADY_SEALED, "gateway", partner,
                "sha256 " + Receipts.sha256Hex(copy.sealed()));
        return copy.sealed();
    }

    /** The loop's current copy, as the message to queue for its partner. */
    private static void prepareDelivery(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<SealedMessage> all = exchange.getProperty(Headers.SEALED, List.class);
        SealedMessage sealed = all.get(exchange.getProperty(Exchange.LOOP_INDEX, Integer.class));
        Envelope envelope = exchange.getProperty(Headers.ENVELOPE, Envelope.class);
        exchange.getIn().removeHeaders("*");
        exchange.getIn().setHeader(Headers.MESSAGE_ID, envelope.getMessageId());
        exchange.getIn().setHeader(Headers.PARTNER, sealed.partner());
        exchange.getIn().setHeader(Headers.SENDER, envelope.getSender());
        // The partner queue delivers by priority: an IMMEDIATE or URGENT message overtakes a ROUTINE backlog.
        exchange.getIn().setHeader("JMSPriority", jmsPriority(envelope.getPriority()));
        exchange.getIn().setHeader("JMSDeliveryMode", DeliveryMode.PERSISTENT);
        exchange.getIn().setHeader(JmsConstants.JMS_DESTINATION_NAME, "partner." + sealed.partner() + ".out");
        exchange.setProperty(Headers.TARGET_PARTNER, sealed.partner());
        exchange.getIn().setBody(sealed.sealed());
    }

    /** JMS priority of a message of this envelope priority (0 to 9; 4 is JMS's default). */
    static int jmsPriority(Priority priority) {
        return switch (priority == null ? Priority.ROUTINE : priority) {
            case IMMEDIATE -> 9;
            case URGENT -> URGENT_PRIORITY;
            case ROUTINE -> 4;
        };
    }

    private static void auditQueued(Exchange exchange) {
        ExchangeAudit.of(exchange).record(exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class),
                AuditEvent.OUTBOUND_QUEUED, "gateway", exchange.getProperty(Headers.TARGET_PARTNER, String.class),
                "partner." + exchange.getProperty(Headers.TARGET_PARTNER, String.class) + ".out");
    }

}
