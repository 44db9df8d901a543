package fr.passerelle.gateway.sla;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the SLA watch every check interval on a thread of its own, from when the gateway has started until it
 * stops. Its own thread, not Spring's shared scheduler: a long daily job there (the retention purge) must not hold
 * an alarm back past its 60 seconds. A check that throws is logged and the next one runs as planned.
 */
class SlaScheduler implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SlaScheduler.class);

    private final SlaWatch watch;
    private final Duration interval;
    private ScheduledExecutorService executor;

    SlaScheduler(SlaWatch watch, Duration interval) {
        this.watch = watch;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sla-watch");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            watch.check();
        } catch (RuntimeException e) {
            // An exception escaping a scheduled task would cancel every later run: the watch would fall silent.
            LOG.error("SLA watch: a check failed, the next one runs in {}", interval, e);
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
