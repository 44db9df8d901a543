package fr.passerelle.routes.channel;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The state of every partner's channel as its deliveries and probes go: UP while they succeed, DEGRADED after a
 * failure, DOWN after {@code downAfter} failures in a row, UP again with the next success. A probe
 * ({@link PartnerChannel#probe}) counts like a delivery attempt; it is made only while no message is on its way
 * through the channel ({@link #idleSince}), so that it never speaks over a delivery being retried.
 */
public final class ChannelHealth {

    /** A channel's state. */
    public enum Status {
        UP, DEGRADED, DOWN
    }

    /**
     * What is known of one partner's channel.
     *
     * @param channel the channel's description (never a secret)
     * @param failures failed attempts (deliveries and probes) since the last success
     * @param lastError why the last attempt failed, or null
     * @param lastSuccess the last delivery that succeeded, or null
     * @param lastFailure the last delivery attempt that failed, or null
     * @param lastProbe the last probe, whatever its outcome, or null
     */
    public record State(String partner, String channel, Status status, int failures, String lastError,
            Instant lastSuccess, Instant lastFailure, Instant lastProbe) {

        /** When a delivery or a probe last went through the channel, or null if none did. */
        Instant lastActivity() {
            return Stream.of(lastSuccess, lastFailure, lastProbe).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
        }
    }

    private final int downAfter;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    /** Messages on their way through each channel, their retries included. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    public ChannelHealth(int downAfter, Clock clock) {
        if (downAfter < 1) {
            throw new IllegalArgumentException("downAfter must be 1 or more");
        }
        this.downAfter = downAfter;
        this.clock = clock;
    }

    /** Starts following a partner's channel, UP until an attempt fails. */
    public void register(String partner, String channel) {
        states.put(partner, new State(partner, channel, Status.UP, 0, null, null, null, null));
    }

    /** A message starts its way through the partner's channel: no probe until {@link #deliveryEnded}. */
    public void deliveryStarted(String partner) {
        inFlight.merge(partner, 1, Integer::sum);
    }

    /** The message handed to {@link #deliveryStarted} was delivered, quarantined or given back to its queue. */
    public void deliveryEnded(String partner) {
        inFlight.computeIfPresent(partner, (id, count) -> count > 1 ? count - 1 : null);
    }

    public void succeeded(String partner) {
        states.computeIfPresent(partner, (id, s) -> new State(id, s.channel(), Status.UP, 0, null, clock.instant(),
                s.lastFailure(), s.lastProbe()));
    }

    public void failed(String partner, String error) {
        states.computeIfPresent(partner, (id, s) -> {
            int failures = s.failures() + 1;
            return new State(id, s.channel(), status(failures), failures, error, s.lastSuccess(), clock.instant(),
                    s.lastProbe());
        });
    }

    /**
     * A probe's outcome: {@code error} null when it succeeded (UP), else why it failed (a failure like a delivery's).
     *
     * @return the channel's state now, or null if the partner's channel is not followed
     */
    public State probed(String partner, String error) {
        Instant now = clock.instant();
        return states.computeIfPresent(partner, (id, s) -> {
            if (error == null) {
                return new State(id, s.channel(), Status.UP, 0, null, s.lastSuccess(), s.lastFailure(), now);
            }
            int failures = s.failures() + 1;
            return new State(id, s.channel(), status(failures), failures, "probe: " + error, s.lastSuccess(),
                    s.lastFailure(), now);
        });
    }

    /**
     * Whether the partner's channel is followed, has no message on its way through it, and has seen no delivery
     * attempt nor probe after {@code since}: a channel a probe may check.
     */
    public boolean idleSince(String partner, Instant since) {
        State state = states.get(partner);
        if (state == null || inFlight.containsKey(partner)) {
            return false;
        }
        Instant last = state.lastActivity();
        return last == null || !last.isAfter(since);
    }

    private Status status(int failures) {
        return failures >= downAfter ? Status.DOWN : Status.DEGRADED;
    }

    /** Every followed channel, by partner id. */
    public Map<String, State> states() {
        return new TreeMap<>(states);
    }
}
