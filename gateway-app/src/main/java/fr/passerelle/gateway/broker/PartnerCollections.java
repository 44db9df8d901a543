package fr.passerelle.gateway.broker;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.TransactionOperationAbstract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import fr.passerelle.routes.Headers;

/**
 * Hears, on the embedded broker, a pull-queue partner take a message from its queue {@code partner.<p>.out}: the
 * partner's own account acknowledged it, and the acknowledgement was committed (an acknowledgement in a transaction
 * that rolls back takes nothing, and the message is delivered again). Each collection waits here until
 * {@link #drainTo} hands it to whoever records it in the database; the broker's threads never wait for the database.
 *
 * <p>Not heard: a message removed by an operator (the {@code admin} account, the console) or by the gateway itself,
 * one that expired or failed its delivery attempts (the broker moves those to quarantine), and anything on another
 * queue. At most {@link #CAPACITY} collections wait; past that (the database away for long under heavy traffic)
 * the newest are counted and not recorded, and the log says how many.
 */
public final class PartnerCollections implements ActiveMQServerMessagePlugin {

    private static final Logger LOG = LoggerFactory.getLogger(PartnerCollections.class);

    /** An envelope's messageId, as the schema has it: the gateway queues nothing else for a partner. */
    private static final Pattern MESSAGE_ID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The most collections waiting to be recorded. */
    static final int CAPACITY = 100_000;

    /**
     * A partner took a message from its queue.
     *
     * @param messageId the envelope's messageId ({@value Headers#MESSAGE_ID}), or null when the message had none,
     *     or something else there
     * @param partner the partner, whose own account took it
     * @param at when the acknowledgement was committed
     * @param details how: the queue, the protocol and the partner's address, for the audit trail
     */
    public record Taken(String messageId, String partner, Instant at, String details) {
    }

    private final Set<String> partners;
    private final Clock clock;
    private final BlockingQueue<Taken> waiting;
    private final AtomicLong lost = new AtomicLong();
    private volatile ActiveMQServer server;

    /** @param partners the partners that take their messages from their queue themselves */
    public PartnerCollections(Collection<String> partners, Clock clock) {
        this(partners, clock, CAPACITY);
    }

    PartnerCollections(Collection<String> partners, Clock clock, int capacity) {
        this.partners = Set.copyOf(partners);
        this.clock = clock;
        this.waiting = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
        if (reason != AckReason.NORMAL || consumer == null) {
            return;
        }
        String partner = partnerOf(consumer.getQueueName().toString());
        if (partner == null || !partner.equals(userOf(consumer))) {
            return;
        }
        Message message = ref.getMessage();
        Object id = message.getObjectProperty(Headers.MESSAGE_ID);
        // Put there by an operator, it may hold anything: only a messageId reaches the audit trail's columns.
        boolean valid = id != null && MESSAGE_ID.matcher(id.toString()).matches();
        String messageId = valid ? id.toString() : null;
        String details = "taken from " + consumer.getQueueName() + " by " + partner + " over "
                + consumer.getConnectionProtocolName() + " from " + consumer.getConnectionRemoteAddress()
                + (id != null && !valid ? " (its " + Headers.MESSAGE_ID + " is not a messageId)" : "");
        if (tx == null) {
            collected(messageId, partner, details);
            return;
        }
        tx.addOperation(new TransactionOperationAbstract() {
            @Override
            public void afterCommit(Transaction committed) {
                collected(messageId, partner, details);
            }
        });
    }

    /** The pull-queue partner whose queue this is, or null. */
    private String partnerOf(String queue) {
        if (!queue.startsWith("partner.") || !queue.endsWith(".out")) {
            return null;
        }
        String partner = queue.substring("partner.".length(), queue.length() - ".out".length());
        return partners.contains(partner) ? partner : null;
    }

    private String userOf(ServerConsumer consumer) {
        ActiveMQServer broker = server;
        ServerSession session = broker == null ? null : broker.getSessionByID(consumer.getSessionID());
        return session == null ? null : session.getValidatedUser();
    }

    private void collected(String messageId, String partner, String details) {
        if (!waiting.offer(new Taken(messageId, partner, clock.instant(), details))
                && lost.getAndIncrement() == 0) {
            LOG.warn("{} collections by partners wait to be recorded: the next ones are not recorded (the messages"
                    + " themselves were taken); the log says how many once there is room again", waiting.size());
        }
    }

    /**
     * Moves at most {@code max} waiting collections, oldest first, to {@code into}.
     *
     * @return how many were moved
     */
    public int drainTo(Collection<? super Taken> into, int max) {
        int moved = waiting.drainTo(into, max);
        long missed = lost.getAndSet(0);
        if (missed > 0) {
            LOG.warn("{} collections by partners were not recorded: there was no room to keep them until the database"
                    + " took them; those messages stay QUEUED in the console and have no OUTBOUND_COLLECTED record",
                    missed);
        }
        return moved;
    }

    /** How many collections wait to be recorded. */
    public int waiting() {
        return waiting.size();
    }
}
