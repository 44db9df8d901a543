package fr.passerelle.gateway.sla;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.gateway.sla.SlaBreaches.Clearance;
import fr.passerelle.gateway.sla.SlaBreaches.Notice;
import fr.passerelle.routes.Availability;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Raises an alarm for every outbound copy of an URGENT or IMMEDIATE message that its partner has not acknowledged
 * within its SLA, and clears it once acknowledged. A push partner (https-push, amqp, sftp) acknowledges when its
 * channel took the message ({@code delivered_at}, after the verified signed receipt for https-push); a pull-queue
 * partner when it took the message from {@code partner.<p>.out}: the broker notes that as it happens, and
 * {@code CollectedMessages} records it; where no note comes (a stock broker set up without the plugin), this
 * watch finds out by looking in that queue, and records it as the delivery.
 *
 * <p>An alarm is a WARN line {@code SLA_BREACH ...}, the audit event SLA_BREACHED, the counter
 * {@code passerelle.sla.breaches{partner,priority}}, the gauge {@code passerelle.sla.open.breaches} and, when one
 * is configured, a post to the webhook, tried again at the next checks until it is accepted; once the webhook has
 * the alarm, it is told when the alarm clears, the same way. Each step of a check fails on its own: a broker or
 * webhook that does not answer delays its own part only.
 */
public class SlaWatch {

    private static final Logger LOG = LoggerFactory.getLogger(SlaWatch.class);
    private static final List<String> WATCHED = List.of("IMMEDIATE", "URGENT");

    private final SlaProperties settings;
    private final SlaBreaches breaches;
    private final PartnerQueues queues;
    private final Set<String> pullPartners;
    private final SlaWebhook webhook;
    private final AuditTrail audit;
    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicLong open = new AtomicLong();
    private Availability database = Availability.ALWAYS;

    /**
     * @param pullPartners the partners that take their messages from their queue themselves
     * @param webhook where alarms are posted, or null
     */
    public SlaWatch(SlaProperties settings, SlaBreaches breaches, PartnerQueues queues, Set<String> pullPartners,
            SlaWebhook webhook, AuditTrail audit, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.breaches = breaches;
        this.queues = queues;
        this.pullPartners = Set.copyOf(pullPartners);
        this.webhook = webhook;
        this.audit = audit;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Where a check that finds the database out of reach says so: the consumers, the partner endpoint and the
     * {@code passerelle_database_reachable} gauge then know it even when no message comes.
     */
    public SlaWatch watching(Availability availability) {
        this.database = availability;
        return this;
    }

    /** Registers the open-breaches gauge, and the breach counters at zero for every partner and watched priority. */
    public void bindTo(Iterable<String> partners) {
        Gauge.builder("passerelle.sla.open.breaches", open, AtomicLong::get)
                .description("URGENT and IMMEDIATE outbound messages past their SLA, not acknowledged yet")
                .register(registry);
        for (String partner : partners) {
            WATCHED.forEach(priority -> counter(partner, priority));
        }
    }

    /**
     * One check: clears what was acknowledged, raises what is overdue, counts the open breaches, then posts what the
     * webhook has not accepted, so that whoever the webhook alerts finds the gauge up to date. When a step finds
     * the database out of reach, the rest of the check is skipped: each of its steps would wait for a connection
     * in vain, and the next check tries again.
     */
    public void check() {
        Instant now = clock.instant();
        boolean done = step("clearing acknowledged breaches", () -> clearAcknowledged(now))
                && step("raising overdue messages", () -> raiseOverdue(now))
                && step("counting open breaches", () -> open.set(breaches.openByPartner().values().stream()
                        .mapToLong(Long::longValue).sum()));
        if (done && webhook != null) {
            step("posting alarms to the webhook", () -> post(now));
        }
    }

    /** Runs one step; false when the database could not be reached, so that the check stops there. */
    private boolean step(String what, Runnable step) {
        try {
            step.run();
            return true;
        } catch (RuntimeException e) {
            // failed() answers whether the failure says so; the default availability (no database watched) never
            // does, hence the question asked of the failure itself then.
            if (database.failed(e) || DatabaseAvailability.unreachable(e)) {
                LOG.warn("SLA watch: {} failed, the database cannot be reached; the rest of this check is skipped,"
                        + " the next check tries again: {}", what, e.toString());
                return false;
            }
            LOG.warn("SLA watch: {} failed, tried again at the next check: {}", what, e.toString());
            return true;
        }
    }

    private void clearAcknowledged(Instant now) {
        Map<String, Map<String, SlaBreaches.Open>> waitingPull = new LinkedHashMap<>();
        for (SlaBreaches.Open breach : breaches.open()) {
            if (breach.deliveredAt() != null) {
                clear(breach.breach(), breach.deliveredAt(), now);
            } else if (pullPartners.contains(breach.breach().partner())) {
                waitingPull.computeIfAbsent(breach.breach().partner(), p -> new LinkedHashMap<>())
                        .put(breach.breach().messageId(), breach);
            }
        }
        waitingPull.forEach((partner, open) -> {
            for (String messageId : taken(partner, open.keySet())) {
                breaches.acknowledged(messageId, partner, now);
                clear(open.get(messageId).breach(), now, now);
            }
        });
    }

    private void clear(Breach breach, Instant acknowledgedAt, Instant now) {
        if (!breaches.clear(breach.messageId(), breach.partner(), now)) {
            return;
        }
        Duration waited = new Clearance(breach, acknowledgedAt).waited();
        LOG.info("SLA_CLEARED messageId={} partner={} priority={} acknowledgedAt={} waited={}", breach.messageId(),
                breach.partner(), breach.priority(), acknowledgedAt, waited);
        audit.record(breach.messageId(), AuditEvent.SLA_CLEARED, "gateway", breach.partner(),
                breach.priority() + " acknowledged after " + waited + " (deadline " + breach.deadline() + ")");
    }

    private void raiseOverdue(Instant now) {
        List<SlaBreaches.Waiting> overdue = breaches.overdue(now.minus(settings.immediate()),
                now.minus(settings.urgent()));
        Map<String, Map<String, SlaBreaches.Waiting>> pull = overdue.stream()
                .filter(waiting -> pullPartners.contains(waiting.partner()))
                .collect(Collectors.groupingBy(SlaBreaches.Waiting::partner, LinkedHashMap::new,
                        Collectors.toMap(SlaBreaches.Waiting::messageId, Function.identity(), (a, b) -> a,
                                LinkedHashMap::new)));
        Map<String, Set<String>> taken = new LinkedHashMap<>();
        pull.forEach((partner, waiting) -> taken.put(partner, taken(partner, waiting.keySet())));
        for (SlaBreaches.Waiting waiting : overdue) {
            if (taken.getOrDefault(waiting.partner(), Set.of()).contains(waiting.messageId())) {
                // Taken in time, or at least before anyone was alarmed: the delivery is recorded, nothing raised.
                breaches.acknowledged(waiting.messageId(), waiting.partner(), now);
                LOG.debug("SLA: messageId={} was taken by {} from its queue before its deadline",
                        waiting.messageId(), waiting.partner());
                continue;
            }
            raise(waiting, now);
        }
    }

    private void raise(SlaBreaches.Waiting waiting, Instant now) {
        Breach breach = new Breach(waiting.messageId(), waiting.partner(), waiting.priority(), waiting.storedAt(),
                waiting.storedAt().plus(settings.limit(waiting.priority())), now);
        if (!breaches.raise(breach)) {
            return;
        }
        LOG.warn("SLA_BREACH messageId={} partner={} priority={} storedAt={} deadline={} waited={}",
                breach.messageId(), breach.partner(), breach.priority(), breach.storedAt(), breach.deadline(),
                breach.waited());
        audit.record(breach.messageId(), AuditEvent.SLA_BREACHED, "gateway", breach.partner(),
                breach.priority() + " not acknowledged within " + settings.limit(breach.priority()) + " (waited "
                        + breach.waited() + ")");
        counter(breach.partner(), breach.priority()).increment();
    }

    /**
     * Of these copies waiting for a pull-queue partner, the ones it took. When the broker cannot be asked, none:
     * an alarm raised for a message that was in fact taken clears at a later check, silence would not.
     */
    private Set<String> taken(String partner, Set<String> messageIds) {
        Set<String> waiting;
        try {
            waiting = queues.stillWaiting(partner, messageIds);
        } catch (RuntimeException e) {
            LOG.warn("SLA watch: cannot look in partner.{}.out, its messages count as not taken: {}", partner,
                    e.toString());
            return Set.of();
        }
        return messageIds.stream().filter(id -> !waiting.contains(id)).collect(Collectors.toSet());
    }

    private void post(Instant now) {
        // A post that was claimed but not finished (its instance stopped) is taken over after this long.
        Instant staleClaims = now.minus(settings.webhook().timeout().plus(settings.checkInterval()));
        if (postEach(Notice.ALARM, breaches.unposted(staleClaims), breach -> breach, webhook::post, now,
                staleClaims)) {
            postEach(Notice.CLEARANCE, breaches.unpostedClearances(staleClaims), Clearance::breach, webhook::post,
                    now, staleClaims);
        }
    }

    /** One post to the webhook. */
    @FunctionalInterface
    private interface Post<T> {
        void send(T notice) throws SlaWebhook.WebhookException;
    }

    /**
     * Posts each notice that this instance claims first. Stops at the first one the webhook does not accept and
     * returns false: the webhook is probably down, and the other notices wait for the next check rather than each
     * holding this one up for a whole timeout.
     */
    private <T> boolean postEach(Notice kind, List<T> notices, Function<T, Breach> breachOf, Post<T> post,
            Instant now, Instant staleClaims) {
        for (T notice : notices) {
            Breach breach = breachOf.apply(notice);
            if (!breaches.claimPost(kind, breach, now, staleClaims)) {
                continue;
            }
            try {
                post.send(notice);
                breaches.posted(kind, breach, clock.instant());
            } catch (SlaWebhook.WebhookException e) {
                breaches.releasePost(kind, breach);
                LOG.warn("SLA webhook: the {} for messageId={} partner={} was not accepted, posted again at the"
                        + " next check: {}", kind == Notice.ALARM ? "alarm" : "clearance", breach.messageId(),
                        breach.partner(), e.getMessage());
                return false;
            }
        }
        return true;
    }

    private Counter counter(String partner, String priority) {
        return Counter.builder("passerelle.sla.breaches")
                .description("URGENT and IMMEDIATE outbound messages that their partner did not acknowledge in time")
                .tag("partner", partner).tag("priority", priority).register(registry);
    }

    /** The open breaches when the last check ended. */
    public long openBreaches() {
        return open.get();
    }
}
