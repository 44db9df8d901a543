package fr.passerelle.gateway.config;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a task every interval on a thread of its own, from when the gateway has started until it stops. Its own
 * thread, not Spring's shared scheduler: a long job there (the daily retention purge) must not hold back a task
 * that has a deadline, such as the SLA watch's 60 seconds. A run that throws is logged and the next one runs as
 * planned.
 */
public final class RepeatingTask implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(RepeatingTask.class);

    /** How long {@link #stop} lets a run in progress finish before it interrupts it. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private final Duration stopWait;
    private ScheduledExecutorService executor;

    /**
     * @param name the thread's name, also in the log when a run fails
     * @param interval between the end of a run and the start of the next, and before the first; zero: never runs
     */
    public RepeatingTask(String name, Duration interval, Runnable task) {
        this(name, interval, task, STOP_WAIT);
    }

    RepeatingTask(String name, Duration interval, Runnable task, Duration stopWait) {
        this.name = name;
        this.interval = interval;
        this.task = task;
        this.stopWait = stopWait;
    }

    @Override
    public synchronized void start() {
        if (interval.isZero()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            task.run();
        } catch (RuntimeException e) {
            // An exception escaping a scheduled task would cancel every later run: the task would fall silent.
            LOG.error("{}: a run failed, the next one runs in {}", name, interval, e);
        }
    }

    /**
     * Lets a run in progress finish, for {@link #STOP_WAIT} at most, then interrupts it: a run cut in the middle of
     * a database write fails that write (and an interrupted thread writing the embedded H2's file closes it for
     * everyone), where a run left to finish leaves nothing to do again.
     */
    @Override
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: the run in progress did not end within {}, it is interrupted", name, stopWait);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
