package fr.passerelle.routes.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import fr.passerelle.routes.Availability;
import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.outbound.OutboundRoutes;
import fr.passerelle.routes.store.MessageStore;

/**
 * Partner dispatch: {@code partner.<p>.out} → the partner's channel (https-push, amqp, sftp), for every partner
 * that does not pull its queue itself. One route per such partner comes from the {@code partner-dispatch}
 * template, each with its own consumer, so a partner whose channel is down holds only its own queue.
 *
 * <p>A message is consumed in a local broker transaction and acknowledged only once its channel took it and the
 * store recorded the delivery; a crash in between makes the broker deliver it again, and the store says it was
 * already delivered. Failed attempts are tried again in place, with the partner's back-off, so that the queue
 * keeps its priority order, and when a channel comes back its URGENT and IMMEDIATE messages are tried first
 * ({@link RetryTurns}); once the attempts or the age are exhausted, the message goes to quarantine with
 * {@link ReasonCode#DELIVERY_FAILED} and its sender is told.
 */
public final class DispatchRoutes extends RouteBuilder {

    /** Where a partner's sealed messages are consumed; {@code {{partner}}} is the template parameter. */
    public static final String PARTNER_OUT = "jms:queue:partner.{{partner}}.out?transacted=true"
            + "&lazyCreateTransactionManager=false&exposeListenerSession=true";

    /** How often a wait between attempts looks whether the gateway is stopping. */
    private static final Duration PAUSE_SLICE = Duration.ofMillis(100);

    private final Parties parties;
    private final Map<String, PartnerDispatch> dispatch;
    private final ChannelHealth health;
    private final AuditTrail audit;
    private final MessageStore store;
    private final Clock clock;
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final RetryTurns turns = new RetryTurns(OutboundRoutes.URGENT_PRIORITY);
    private StageTimings timings = StageTimings.NONE;
    private Availability availability = Availability.ALWAYS;

    public DispatchRoutes(Parties parties, Map<String, PartnerDispatch> dispatch, ChannelHealth health,
            AuditTrail audit, MessageStore store, Clock clock) {
        this.parties = parties;
        this.dispatch = Map.copyOf(dispatch);
        this.health = health;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    /** What dispatch waits for before it works on a message: the database, when it is down. */
    public DispatchRoutes withAvailability(Availability dependencies) {
        this.availability = dependencies;
        return this;
    }

    /** Where the time each attempt to hand a message to its channel takes is reported; none by default. */
    public DispatchRoutes withTimings(StageTimings stageTimings) {
        this.timings = stageTimings;
        return this;
    }

    @Override
    public void configure() {
        routeTemplate("partner-dispatch")
                .templateParameter("partner")
                .templateParameter("lane", "")
                .from(PARTNER_OUT + "{{lane}}")
                .routeConfigurationId(ErrorHandling.ID)
                .setProperty(Headers.TARGET_PARTNER, constant("{{partner}}"))
                .process(this::deliver).id("dispatch-deliver");

        dispatch.forEach((partner, how) -> {
            health.register(partner, how.channel().describe());
            templatedRoute("partner-dispatch").routeId("partner-" + partner + "-dispatch")
                    .parameter("partner", partner);
            // URGENT and IMMEDIATE messages do not wait behind a ROUTINE one being retried.
            templatedRoute("partner-dispatch").routeId("partner-" + partner + "-dispatch-urgent")
                    .parameter("partner", partner).parameter("lane", OutboundRoutes.URGENT_LANE);
        });
    }

    private void deliver(Exchange exchange) {
        availability.awaitAvailable(() -> Availability.stopping(exchange.getContext()));
        String partner = exchange.getProperty(Headers.TARGET_PARTNER, String.class);
        health.deliveryStarted(partner);
        try {
            deliver(exchange, partner);
        } finally {
            health.deliveryEnded(partner);
        }
    }

    private void deliver(Exchange exchange, String partner) {
        String messageId = exchange.getIn().getHeader(Headers.MESSAGE_ID, String.class);
        exchange.setProperty(Headers.SERVICE, exchange.getIn().getHeader(Headers.SENDER, String.class));
        exchange.setProperty(Headers.BROKER_USER, exchange.getIn().getHeader(Headers.BROKER_SENDER_PROPERTY,
                String.class));
        MessageStore.Copy copy = messageId == null ? null
                : store.copy(MessageStore.Direction.OUTBOUND, messageId, partner).orElse(null);
        if (copy != null && copy.deliveredAt() != null) {
            audit.record(messageId, AuditEvent.OUTBOUND_ALREADY_DELIVERED, "gateway", partner,
                    "delivered at " + copy.deliveredAt());
            return;
        }
        PartnerDispatch how = dispatch.get(partner);
        Outgoing outgoing = new Outgoing(messageId, partner, parties.partner(partner).orElseThrow().profile(),
                exchange.getIn().getBody(byte[].class), exchange.getIn().getHeader("JMSPriority", 4, Integer.class));
        Instant queuedAt = queuedAt(exchange);
        boolean urgent = turns.urgent(outgoing.priority());
        boolean retrying = false;
        try {
            for (int attempt = 1;; attempt++) {
                if (attempt > 1 && !urgent) {
                    turns.awaitTurn(partner, () -> Availability.stopping(exchange.getContext()));
                }
                Delivery delivery;
                try {
                    delivery = timedDelivery(how.channel(), outgoing);
                } catch (ChannelException failure) {
                    // Known before the messages waiting for this one's turn go, as a success is below.
                    health.failed(partner, failure.getMessage());
                    if (retrying) {
                        turns.attempted(partner);
                    }
                    Duration age = Duration.between(queuedAt, clock.instant());
                    if (how.retry().exhausted(attempt, age)) {
                        audit.record(messageId, AuditEvent.DELIVERY_ATTEMPT_FAILED, "gateway", partner,
                                "attempt " + attempt + ": " + failure.getMessage() + "; no more attempts");
                        throw new GatewayException(ReasonCode.DELIVERY_FAILED, attempt + " attempts over "
                                + age.withNanos(0) + " through " + how.channel().describe() + "; last: "
                                + failure.getMessage());
                    }
                    if (urgent && !retrying) {
                        turns.retrying(partner);
                        retrying = true;
                    }
                    Duration wait = how.retry().delay(attempt, random);
                    audit.record(messageId, AuditEvent.DELIVERY_ATTEMPT_FAILED, "gateway", partner,
                            "attempt " + attempt + ": " + failure.getMessage() + "; next in " + wait.toMillis()
                            + " ms");
                    pause(wait, exchange.getContext());
                    continue;
                }
                // The channel is known UP before the messages waiting for this one's turn go.
                health.succeeded(partner);
                if (retrying) {
                    turns.attempted(partner);
                }
                delivered(outgoing, copy, delivery);
                return;
            }
        } finally {
            if (retrying) {
                turns.done(partner);
            }
        }
    }

    /** One attempt through the channel, timed whether it succeeds or fails; the wait between retries is not. */
    private Delivery timedDelivery(PartnerChannel channel, Outgoing outgoing) {
        long started = System.nanoTime();
        try {
            return channel.deliver(outgoing);
        } finally {
            timings.record(StageTimings.Stage.DISPATCH, System.nanoTime() - started);
        }
    }

    private void delivered(Outgoing outgoing, MessageStore.Copy copy, Delivery delivery) {
        if (copy != null) {
            store.delivered(outgoing.messageId(), outgoing.partner(), delivery.receipt(), clock.instant());
        }
        audit.record(outgoing.messageId(), AuditEvent.OUTBOUND_DELIVERED, "gateway", outgoing.partner(),
                delivery.detail());
        if (delivery.receipt() != null) {
            audit.record(outgoing.messageId(), AuditEvent.RECEIPT_VERIFIED, outgoing.partner(), outgoing.partner(),
                    "receipt " + delivery.receipt().length + " bytes");
        }
    }

    /** When the message entered the partner queue: its age bounds the retries, across restarts too. */
    private Instant queuedAt(Exchange exchange) {
        Long timestamp = exchange.getIn().getHeader("JMSTimestamp", Long.class);
        return timestamp == null || timestamp == 0 ? clock.instant() : Instant.ofEpochMilli(timestamp);
    }

    /**
     * Waits before the next attempt; a gateway that stops meanwhile rolls the message back to its queue, where it
     * waits for the next start.
     */
    private static void pause(Duration wait, CamelContext context) {
        long end = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toNanos(); left > 0; left = end - System.nanoTime()) {
                if (Availability.stopping(context)) {
                    throw new ChannelException("the gateway is stopping; the message stays in its queue");
                }
                Thread.sleep(Math.min(PAUSE_SLICE.toMillis(), Math.max(1, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while waiting for the next attempt", e);
        }
    }
}
