package fr.passerelle.gateway.channel;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

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
final class ChannelProbes implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelProbes.class);

    private final Map<String, PartnerChannel> channels;
    private final ChannelHealth health;
    private final Clock clock;
    private final Duration idle;

    /** @param idle how long a channel must have been idle before it is probed */
    ChannelProbes(Map<String, PartnerChannel> channels, ChannelHealth health, Clock clock, Duration idle) {
        this.channels = Map.copyOf(channels);
        this.health = health;
        this.clock = clock;
        this.idle = idle;
    }

    /** One round: every channel idle for the interval is probed, one after another, until the gateway stops. */
    @Override
    public void run() {
        for (Map.Entry<String, PartnerChannel> channel : channels.entrySet()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (health.idleSince(channel.getKey(), clock.instant().minus(idle))) {
                probe(channel.getKey(), channel.getValue());
            }
        }
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
