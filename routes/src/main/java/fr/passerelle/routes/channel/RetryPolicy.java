package fr.passerelle.routes.channel;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a partner's channel is tried again: exponential back-off with jitter, until a number of attempts or an age
 * of the message is reached, after which the message is quarantined.
 *
 * @param initialDelay the wait after the first failed attempt
 * @param multiplier how much longer each next wait is (1 keeps it constant)
 * @param maxDelay the longest wait between two attempts
 * @param jitter how far a wait may randomly stray from its nominal value, as a fraction (0.2 = ±20%), so that
 *     messages held by the same outage do not all come back at the same instant
 * @param maxAttempts attempts before giving up
 * @param maxAge age of the message in the partner queue after which no new attempt is made
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, double jitter, int maxAttempts,
        Duration maxAge) {

    /** One second, doubling up to five minutes, ±20%, for at most 100 attempts or a day. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2,
            100, Duration.ofHours(24));

    public RetryPolicy {
        if (initialDelay == null || initialDelay.isNegative()) {
            throw new IllegalArgumentException("initial-delay must be zero or positive");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be 1 or more");
        }
        if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("max-delay must be at least initial-delay");
        }
        if (jitter < 0.0 || jitter >= 1.0) {
            throw new IllegalArgumentException("jitter must be at least 0 and less than 1");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be 1 or more");
        }
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("max-age must be positive");
        }
    }

    /** The wait after failed attempt number {@code attempt} (1 for the first). */
    public Duration delay(int attempt, RandomGenerator random) {
        double nominal = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(nominal, maxDelay.toMillis());
        double spread = capped * jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.round(Math.max(0, capped + spread)));
    }

    /** Whether no new attempt is made after {@code attempts} attempts on a message queued {@code age} ago. */
    public boolean exhausted(int attempts, Duration age) {
        return attempts >= maxAttempts || age.compareTo(maxAge) >= 0;
    }
}
