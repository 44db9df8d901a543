package fr.passerelle.routes.channel;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every partner's channel as its deliveries go: UP while they succeed, DEGRADED after a failure,
 * DOWN after {@code downAfter} failures in a row, UP again with the next success.
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
     * @param failures failed attempts since the last success
     * @param lastError why the last attempt failed, or null
     */
    public record State(String partner, String channel, Status status, int failures, String lastError,
            Instant lastSuccess, Instant lastFailure) {
    }

    private final int downAfter;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public ChannelHealth(int downAfter, Clock clock) {
        if (downAfter < 1) {
            throw new IllegalArgumentException("downAfter must be 1 or more");
        }
        this.downAfter = downAfter;
        this.clock = clock;
    }

    /** Starts following a partner's channel, UP until an attempt fails. */
    public void register(String partner, String channel) {
        states.put(partner, new State(partner, channel, Status.UP, 0, null, null, null));
    }

    public void succeeded(String partner) {
        states.computeIfPresent(partner, (id, s) -> new State(id, s.channel(), Status.UP, 0, null, clock.instant(),
                s.lastFailure()));
    }

    public void failed(String partner, String error) {
        states.computeIfPresent(partner, (id, s) -> {
            int failures = s.failures() + 1;
            return new State(id, s.channel(), failures >= downAfter ? Status.DOWN : Status.DEGRADED, failures, error,
                    s.lastSuccess(), clock.instant());
        });
    }

    /** Every followed channel, by partner id. */
    public Map<String, State> states() {
        return new TreeMap<>(states);
    }
}
