package fr.passerelle.gateway.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import fr.passerelle.routes.channel.ChannelException;
import fr.passerelle.routes.channel.ChannelHealth;
import fr.passerelle.routes.channel.PartnerChannel;

/**
 * Probes every pushed-to partner's channel that has been idle for an interval ({@link PartnerChannel#probe}): no
 * message on its way through it and no delivery attempt nor probe for that long. A channel that broke in a quiet
 * hour then shows DEGRADED, and DOWN after as many failed probes as failed deliveries would take, before a message
 * needs it; one that was left DOWN by a message given up on shows UP again once it answers. The log says when a
 * probe changes a channel's state, not every probe.
 */
final class ChannelProbes implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelProbes.class);

    private final Map<String, PartnerChannel> channels;
    private final ChannelHealth health;
    private final Clock clock;
    private final Duration idle;
    /** A thread per channel at most, while a round needs them. */
    private final ThreadPoolExecutor probing;

    /** @param idle how long a channel must have been idle before it is probed */
    ChannelProbes(Map<String, PartnerChannel> channels, ChannelHealth health, Clock clock, Duration idle) {
        this.channels = Map.copyOf(channels);
        this.health = health;
        this.clock = clock;
        this.idle = idle;
        int threads = Math.max(1, channels.size());
        AtomicInteger count = new AtomicInteger();
        probing = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "channel-probe-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        probing.allowCoreThreadTimeOut(true);
    }

    /**
     * One round: the channels idle for the interval are probed side by side, so that a partner that does not answer
     * (each probe may take the channel's timeout) holds up no other; the round ends when every probe has. The gateway
     * stopping meanwhile cuts the round short.
     */
    @Override
    public void run() {
        Instant since = clock.instant().minus(idle);
        List<Callable<Void>> due = new ArrayList<>();
        channels.forEach((partner, channel) -> {
            if (health.idleSince(partner, since)) {
                due.add(() -> {
                    probe(partner, channel);
                    return null;
                });
            }
        });
        try {
            probing.invokeAll(due);
        } catch (InterruptedException e) {
            // The probes not done are cancelled, their threads interrupted: they record nothing.
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        probing.shutdownNow();
    }

    private void probe(String partner, PartnerChannel channel) {
        ChannelHealth.State before = health.states().get(partner);
        String error = null;
        String checked = null;
        try {
            checked = channel.probe();
        } catch (ChannelException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            // Whatever else a channel throws, the channel could not be shown to work: the same as a failed probe.
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (Thread.currentThread().isInterrupted()) {
            // The gateway is stopping: a probe cut short says nothing of the channel.
            return;
        }
        ChannelHealth.State after = health.probed(partner, error);
        if (before == null || after == null || before.status() == after.status()) {
            LOG.debug("channel of {} probed: {}", partner, error == null ? checked : error);
        } else if (error == null) {
            LOG.info("channel of {} is {} again, its probe succeeded: {}", partner, after.status(), checked);
        } else {
            LOG.warn("channel of {} is {} ({} failed attempts in a row), its probe failed: {}", partner,
                    after.status(), after.failures(), error);
        }
    }
}
