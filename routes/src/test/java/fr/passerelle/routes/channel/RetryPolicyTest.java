package fr.passerelle.routes.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Back-off: grows, is capped, strays within the jitter, and ends by attempts or by age. */
class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2, 5,
            Duration.ofMinutes(10));

    @Test
    void doublesFromTheInitialDelayUpToTheCapWithinTheJitter() {
        SplittableRandom random = new SplittableRandom(42);
        long[] nominal = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int attempt = 1; attempt <= nominal.length; attempt++) {
            for (int draw = 0; draw < 200; draw++) {
                assertThat(policy.delay(attempt, random).toMillis()).as("attempt %d", attempt)
                        .isBetween(Math.round(nominal[attempt - 1] * 0.8), Math.round(nominal[attempt - 1] * 1.2));
            }
        }
    }

    @Test
    void jitterSpreadsTheWaits() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(java.util.stream.IntStream.range(0, 50).mapToLong(i -> policy.delay(3, random).toMillis())
                .distinct().count()).isGreaterThan(10);
    }

    @Test
    void endsAfterTheMaximumAttemptsOrAge() {
        assertThat(policy.exhausted(4, Duration.ofMinutes(9))).isFalse();
        assertThat(policy.exhausted(5, Duration.ZERO)).isTrue();
        assertThat(policy.exhausted(1, Duration.ofMinutes(10))).isTrue();
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2), 0, 1,
                Duration.ofMinutes(1))).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), 2, Duration.ofSeconds(2), 0, 1,
                Duration.ofMinutes(1))).hasMessageContaining("max-delay");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(2), 1.0, 1,
                Duration.ofMinutes(1))).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(2), 0, 0,
                Duration.ofMinutes(1))).hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(2), 0, 1,
                Duration.ZERO)).hasMessageContaining("max-age");
    }
}
