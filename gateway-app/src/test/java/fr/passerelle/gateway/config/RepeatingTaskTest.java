package fr.passerelle.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A repeating task runs on its thread until stopped; stopping lets a run finish, and interrupts one that hangs. */
class RepeatingTaskTest {

    private static final Duration OFTEN = Duration.ofMillis(10);

    @Test
    void runsUntilStopped() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        RepeatingTask task = new RepeatingTask("test", OFTEN, () -> {
            runs.incrementAndGet();
            three.countDown();
        });

        task.start();
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        task.stop();
        int stoppedAt = runs.get();
        Thread.sleep(100);

        assertThat(task.isRunning()).isFalse();
        assertThat(runs.get()).isEqualTo(stoppedAt);
    }

    /** A run under way when the gateway stops is let finish, not cut: no write is left half done. */
    @Test
    void stoppingLetsTheRunInProgressFinish() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        RepeatingTask task = new RepeatingTask("test", OFTEN, () -> {
            started.countDown();
            try {
                Thread.sleep(300);
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        }, Duration.ofSeconds(5));

        task.start();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        task.stop();

        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
    }

    /** A run that does not end within the wait is interrupted, so that stopping never hangs. */
    @Test
    void aRunThatHangsIsInterruptedAfterTheWait() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        RepeatingTask task = new RepeatingTask("test", OFTEN, () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }, Duration.ofMillis(200));

        task.start();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        task.stop();

        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(task.isRunning()).isFalse();
    }

    @Test
    void aZeroIntervalNeverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        RepeatingTask task = new RepeatingTask("test", Duration.ZERO, runs::incrementAndGet);

        task.start();
        Thread.sleep(100);
        task.stop();

        assertThat(runs).hasValue(0);
        assertThat(task.isRunning()).isFalse();
    }
}
