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

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private ScheduledExecutorService executor;

    /**
     * @param name the thread's name, also in the log when a run fails
     * @param interval between the end of a run and the start of the next, and before the first; zero: never runs
     */
    public RepeatingTask(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
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

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
