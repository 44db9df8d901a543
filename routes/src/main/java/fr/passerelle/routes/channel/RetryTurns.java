package fr.passerelle.routes.channel;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Who tries first when a partner's channel comes back: its URGENT and IMMEDIATE messages.
 *
 * <p>While a channel is down, each dispatch lane of the partner holds one message and tries it again after its own
 * back-off. Left alone, the lane whose back-off ends first would go on with whatever it holds next, and a ROUTINE
 * backlog could pass the IMMEDIATE message still waiting in the other lane. So a message below URGENT that failed
 * before waits, ahead of its next attempt, until an urgent message being retried for the same partner has made its
 * next attempt, or none is left. That wait is one urgent back-off at most, and it does not touch the first attempt of any
 * message: when the channel is up, both lanes go side by side as usual, and an urgent message that keeps failing on
 * its own holds a ROUTINE one for one back-off each time, never for good.
 */
final class RetryTurns {

    /** How often a wait looks whether the gateway is stopping. */
    private static final Duration SLICE = Duration.ofMillis(100);

    private final Map<String, Partner> partners = new ConcurrentHashMap<>();
    private final int urgentPriority;

    /** @param urgentPriority the lowest JMS priority that counts as urgent */
    RetryTurns(int urgentPriority) {
        this.urgentPriority = urgentPriority;
    }

    /** Urgent messages of one partner being retried, and how many attempts they made; guarded by itself. */
    private static final class Partner {
        private int retrying;
        private long attempts;
    }

    private Partner partner(String partner) {
        return partners.computeIfAbsent(partner, p -> new Partner());
    }

    boolean urgent(int priority) {
        return priority >= urgentPriority;
    }

    /** An urgent message failed its first attempt and will be tried again; {@link #done} must follow. */
    void retrying(String partner) {
        Partner p = partner(partner);
        synchronized (p) {
            p.retrying++;
        }
    }

    /** An urgent message being retried made an attempt, whatever came of it. */
    void attempted(String partner) {
        Partner p = partner(partner);
        synchronized (p) {
            p.attempts++;
            p.notifyAll();
        }
    }

    /** An urgent message being retried is done: delivered, quarantined or given back to its queue. */
    void done(String partner) {
        Partner p = partner(partner);
        synchronized (p) {
            p.retrying--;
            p.notifyAll();
        }
    }

    /**
     * Before the next attempt of a message below URGENT that failed before: waits until an urgent message being
     * retried for the partner made its next attempt, or none is left.
     *
     * @throws ChannelException when the gateway stops meanwhile, or the thread is interrupted
     */
    void awaitTurn(String partner, BooleanSupplier stopping) {
        Partner p = partner(partner);
        synchronized (p) {
            long seen = p.attempts;
            try {
                while (p.retrying > 0 && p.attempts == seen) {
                    if (stopping.getAsBoolean()) {
                        throw new ChannelException("the gateway is stopping; the message stays in its queue");
                    }
                    p.wait(SLICE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChannelException("interrupted while waiting for the urgent messages to go first", e);
            }
        }
    }
}
