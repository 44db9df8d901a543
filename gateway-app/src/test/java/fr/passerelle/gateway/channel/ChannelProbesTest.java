package fr.passerelle.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import fr.passerelle.gateway.testing.MovingClock;
import fr.passerelle.routes.channel.ChannelException;
import fr.passerelle.routes.channel.ChannelHealth;
import fr.passerelle.routes.channel.ChannelHealth.Status;
import fr.passerelle.routes.channel.Delivery;
import fr.passerelle.routes.channel.Outgoing;
import fr.passerelle.routes.channel.PartnerChannel;

/** Idle channels are probed, side by side; a probe's outcome moves the channel's state as a delivery's would, and is logged once. */
@ExtendWith(OutputCaptureExtension.class)
class ChannelProbesTest {

    private static final Duration IDLE = Duration.ofMinutes(1);

    private final MovingClock clock = new MovingClock(Instant.parse("2026-11-29T03:00:00Z"));
    private final ChannelHealth health = new ChannelHealth(3, clock);
    private final ProbedChannel spain = new ProbedChannel();
    private final ChannelProbes probes = new ChannelProbes(Map.of("spain", spain), health, clock, IDLE);

    ChannelProbesTest() {
        health.register("spain", spain.describe());
    }

    @AfterEach
    void stopProbing() {
        probes.close();
    }

    @Test
    void probesAChannelOnlyOnceItHasBeenIdleForTheInterval() {
        health.succeeded("spain");
        clock.advance(IDLE.minusSeconds(1));
        probes.run();
        assertThat(spain.probes).hasValue(0);

        clock.advance(Duration.ofSeconds(1));
        probes.run();
        assertThat(spain.probes).hasValue(1);
        assertThat(health.states().get("spain").lastProbe()).isEqualTo(clock.instant());

        clock.advance(IDLE.minusSeconds(1));
        probes.run();
        assertThat(spain.probes).as("the probe counts as activity").hasValue(1);
    }

    /** Two messages on their way (a consumer and the urgent lane's): no probe until both are done. */
    @Test
    void neverProbesAChannelWhileAMessageIsOnItsWay() {
        health.deliveryStarted("spain");
        health.deliveryStarted("spain");
        clock.advance(IDLE.multipliedBy(10));
        probes.run();
        health.deliveryEnded("spain");
        probes.run();
        assertThat(spain.probes).hasValue(0);

        health.deliveryEnded("spain");
        probes.run();
        assertThat(spain.probes).hasValue(1);
    }

    /** A channel that broke while idle goes DEGRADED at the first failed probe, DOWN at the third, logged twice. */
    @Test
    void failedProbesTakeAnIdleChannelDown(CapturedOutput output) {
        spain.answer = () -> {
            throw new ChannelException("https-push https://gateway.example.es cannot be reached");
        };

        probes.run();
        assertThat(health.states().get("spain").status()).isEqualTo(Status.DEGRADED);
        clock.advance(IDLE);
        probes.run();
        assertThat(health.states().get("spain").status()).isEqualTo(Status.DEGRADED);
        clock.advance(IDLE);
        probes.run();

        ChannelHealth.State state = health.states().get("spain");
        assertThat(state.status()).isEqualTo(Status.DOWN);
        assertThat(state.failures()).isEqualTo(3);
        assertThat(state.lastError()).isEqualTo("probe: https-push https://gateway.example.es cannot be reached");
        assertThat(state.lastFailure()).as("a delivery's failure, not a probe's").isNull();
        assertThat(output.getOut()).containsOnlyOnce("channel of spain is DEGRADED (1 failed attempts in a row)")
                .containsOnlyOnce("channel of spain is DOWN (3 failed attempts in a row)")
                .doesNotContain("is DEGRADED (2 failed");
    }

    /** A channel left DOWN by a message given up on shows UP again once it answers, with no message to deliver. */
    @Test
    void aSucceedingProbeBringsADownChannelBackUp(CapturedOutput output) {
        health.failed("spain", "connection refused");
        health.failed("spain", "connection refused");
        health.failed("spain", "connection refused");
        assertThat(health.states().get("spain").status()).isEqualTo(Status.DOWN);
        clock.advance(IDLE);

        probes.run();

        ChannelHealth.State state = health.states().get("spain");
        assertThat(state.status()).isEqualTo(Status.UP);
        assertThat(state.failures()).isZero();
        assertThat(state.lastError()).isNull();
        assertThat(output.getOut()).contains("channel of spain is UP again, its probe succeeded: probed spain");
    }

    /** Whatever else a channel throws, the probe failed: the channel is not shown to work. */
    @Test
    void anUnexpectedErrorIsAFailedProbe() {
        spain.answer = () -> {
            throw new IllegalStateException("client closed");
        };

        probes.run();

        assertThat(health.states().get("spain").status()).isEqualTo(Status.DEGRADED);
        assertThat(health.states().get("spain").lastError()).isEqualTo("probe: IllegalStateException: client closed");
    }

    /** The gateway stops during a probe (its thread is interrupted): the probe cut short changes nothing. */
    @Test
    void aProbeCutShortByTheGatewayStoppingChangesNothing() {
        spain.answer = () -> {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while delivering to the channel");
        };
        try {
            probes.run();

            ChannelHealth.State state = health.states().get("spain");
            assertThat(state.status()).isEqualTo(Status.UP);
            assertThat(state.lastProbe()).isNull();
            assertThat(state.lastError()).isNull();
        } finally {
            Thread.interrupted();
        }
    }

    /**
     * Idle channels are probed side by side: each of these two probes answers only once the other one has started,
     * which two probes made one after the other never do; a partner that does not answer holds up no other.
     */
    @Test
    void probesIdleChannelsSideBySide() {
        ProbedChannel morocco = new ProbedChannel();
        health.register("morocco", morocco.describe());
        CountDownLatch bothStarted = new CountDownLatch(2);
        Supplier<String> waitForTheOther = () -> {
            bothStarted.countDown();
            try {
                if (!bothStarted.await(10, TimeUnit.SECONDS)) {
                    throw new ChannelException("probed alone");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChannelException("interrupted");
            }
            return "probed beside another";
        };
        spain.answer = waitForTheOther;
        morocco.answer = waitForTheOther;

        try (ChannelProbes both = new ChannelProbes(Map.of("spain", spain, "morocco", morocco), health, clock,
                IDLE)) {
            both.run();
        }

        assertThat(health.states().values()).hasSize(2).allSatisfy(state -> {
            assertThat(state.status()).isEqualTo(Status.UP);
            assertThat(state.lastProbe()).isEqualTo(clock.instant());
        });
    }

    /** A channel whose probe answers as the test says; it is never asked to deliver. */
    private static final class ProbedChannel implements PartnerChannel {

        final AtomicInteger probes = new AtomicInteger();
        volatile Supplier<String> answer = () -> "probed spain";

        @Override
        public Delivery deliver(Outgoing message) {
            throw new AssertionError("a probe delivers nothing");
        }

        @Override
        public String probe() {
            probes.incrementAndGet();
            return answer.get();
        }

        @Override
        public String describe() {
            return "probed channel of spain";
        }
    }
}
