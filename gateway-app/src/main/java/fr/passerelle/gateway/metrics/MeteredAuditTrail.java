package fr.passerelle.gateway.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The audit trail, counted: every audited step of every message is also a metric, so that the figures operators
 * watch and the evidence auditors read come from one place. {@code passerelle.audit.events} counts every event by
 * partner; {@code passerelle.messages} counts messages by partner, direction and outcome; {@code
 * passerelle.delivery.retries} counts failed delivery attempts by partner.
 */
public final class MeteredAuditTrail implements AuditTrail {

    /** The partner tag of a step no partner is known for. */
    private static final String NONE = "none";

    private record Key(AuditEvent event, String partner) {
    }

    private final AuditTrail trail;
    private final MeterRegistry registry;
    private final Map<Key, Counter[]> counters = new ConcurrentHashMap<>();

    public MeteredAuditTrail(AuditTrail trail, MeterRegistry registry) {
        this.trail = trail;
        this.registry = registry;
    }

    /**
     * Registers at zero the counters of every message outcome for each partner (and for none, where a message is
     * refused or quarantined before its partner is known), and of failed delivery attempts for each partner pushed
     * to. A counter that first appears at 1 is invisible to {@code increase()} and {@code rate()}: the first
     * quarantined message of a partner would never raise an alert.
     *
     * @param partners every partner
     * @param pushed the partners the gateway delivers to over a channel (not {@code pull-queue})
     */
    public MeteredAuditTrail fromZero(Collection<String> partners, Collection<String> pushed) {
        List<String> everyone = new ArrayList<>(partners);
        everyone.add(NONE);
        for (String partner : everyone) {
            for (AuditEvent event : AuditEvent.values()) {
                if (outcome(event) != null && (!partner.equals(NONE) || event == AuditEvent.MESSAGE_REFUSED
                        || event == AuditEvent.MESSAGE_QUARANTINED)) {
                    counters.computeIfAbsent(new Key(event, partner), this::counters);
                }
            }
        }
        pushed.forEach(partner -> counters.computeIfAbsent(new Key(AuditEvent.DELIVERY_ATTEMPT_FAILED, partner),
                this::counters));
        return this;
    }

    @Override
    public void record(String messageId, AuditEvent event, String actor, String partner, String details) {
        trail.record(messageId, event, actor, partner, details);
        count(event, partner);
    }

    @Override
    public void recordAll(List<Entry> entries) {
        trail.recordAll(entries);
        for (Entry entry : entries) {
            count(entry.event(), entry.partner());
        }
    }

    private void count(AuditEvent event, String partner) {
        for (Counter counter : counters.computeIfAbsent(new Key(event, partner == null ? NONE : partner),
                this::counters)) {
            counter.increment();
        }
    }

    private Counter[] counters(Key key) {
        Counter event = Counter.builder("passerelle.audit.events").description("Audited steps, by event and partner")
                .tag("event", key.event().name()).tag("partner", key.partner()).register(registry);
        String[] outcome = outcome(key.event());
        if (outcome != null) {
            return new Counter[] {event, Counter.builder("passerelle.messages")
                    .description("Messages by partner, direction and outcome").tag("partner", key.partner())
                    .tag("direction", outcome[0]).tag("outcome", outcome[1]).register(registry)};
        }
        if (key.event() == AuditEvent.DELIVERY_ATTEMPT_FAILED) {
            return new Counter[] {event, Counter.builder("passerelle.delivery.retries")
                    .description("Failed attempts to hand a message to a partner's channel")
                    .tag("partner", key.partner()).register(registry)};
        }
        return new Counter[] {event};
    }

    /** The direction and outcome an event ends a message's step with, or null when it ends none. */
    private static String[] outcome(AuditEvent event) {
        return switch (event) {
            case OUTBOUND_QUEUED -> new String[] {"outbound", "queued"};
            case OUTBOUND_DELIVERED, OUTBOUND_COLLECTED -> new String[] {"outbound", "delivered"};
            case REVIEW_REQUESTED -> new String[] {"outbound", "held"};
            case MESSAGE_QUARANTINED -> new String[] {"outbound", "quarantined"};
            case INBOUND_DELIVERED -> new String[] {"inbound", "delivered"};
            case MESSAGE_REFUSED -> new String[] {"inbound", "refused"};
            default -> null;
        };
    }
}
