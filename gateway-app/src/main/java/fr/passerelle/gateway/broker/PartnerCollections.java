package fr.passerelle.gateway.broker;

import java.util.regex.Pattern;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import fr.passerelle.routes.Headers;

/**
 * Writes a note on {@value #QUEUE} each time a pull-queue partner takes a message from its queue
 * {@code partner.<p>.out}: the partner's own account acknowledged it. The note goes in the acknowledgement's own
 * transaction, so it exists exactly when the take is committed: a rollback takes nothing and leaves no note, and
 * a crash of the broker or of a gateway loses none. The gateways read the notes and record them
 * ({@code CollectedMessages}); while none reads them, they wait on the broker.
 *
 * <p>No note for a message removed by an operator ({@code admin}, the console) or by the gateway itself, one that
 * expired or failed its delivery attempts (the broker moves those to quarantine), or anything on another queue.
 *
 * <p>Public, with a public constructor, and an {@link ActiveMQServerPlugin}, like {@link SenderStamp}, so that a
 * stock Artemis broker can load it with this class alone on its class path (see {@code ops/artemis/}).
 */
public final class PartnerCollections implements ActiveMQServerPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(PartnerCollections.class);

    /** Where the notes go. */
    public static final String QUEUE = "gateway.collections";
    /** Note property: when the partner acknowledged the message, in milliseconds since the epoch. */
    public static final String TAKEN_AT = "PasserelleTakenAt";
    /** Note property: how it was taken (the queue, the protocol, the partner's address), for the audit trail. */
    public static final String HOW = "PasserelleTakenHow";

    /** An envelope's messageId, as the schema has it: the gateway queues nothing else for a partner. */
    private static final Pattern MESSAGE_ID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private volatile ActiveMQServer server;

    public PartnerCollections() {
        // Its only state is the broker it is registered with.
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
    }

    @Override
    public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
        ActiveMQServer broker = server;
        if (reason != AckReason.NORMAL || consumer == null || broker == null) {
            return;
        }
        String partner = partnerOf(consumer.getQueueName().toString());
        if (partner == null || !partner.equals(userOf(broker, consumer))) {
            return;
        }
        Object id = ref.getMessage().getObjectProperty(Headers.MESSAGE_ID);
        // Put there by an operator, it may hold anything: only a messageId reaches the audit trail's columns.
        boolean valid = id != null && MESSAGE_ID.matcher(id.toString()).matches();
        Message note = new CoreMessage(broker.getStorageManager().generateID(), 512)
                .setAddress(QUEUE)
                .setDurable(true)
                .setRoutingType(RoutingType.ANYCAST)
                .putStringProperty(Headers.PARTNER, partner)
                .putLongProperty(TAKEN_AT, System.currentTimeMillis())
                .putStringProperty(HOW, "taken from " + consumer.getQueueName() + " by " + partner + " over "
                        + consumer.getConnectionProtocolName() + " from " + consumer.getConnectionRemoteAddress()
                        + (id != null && !valid ? " (its " + Headers.MESSAGE_ID + " is not a messageId)" : ""));
        if (valid) {
            note.putStringProperty(Headers.MESSAGE_ID, id.toString());
        }
        try {
            RoutingStatus routed = tx == null ? broker.getPostOffice().route(note, false)
                    : broker.getPostOffice().route(note, tx, false);
            if (routed != RoutingStatus.OK) {
                LOG.warn("No note that {} took messageId={}: the broker has no queue {} ({})", partner, id, QUEUE,
                        routed);
            }
        } catch (Exception e) {
            // The partner's acknowledgement must go through all the same: it is the partner's, not ours.
            LOG.warn("No note that {} took messageId={}: {}", partner, id, e.toString());
        }
    }

    /** The partner whose queue this is, or null. */
    private static String partnerOf(String queue) {
        if (!queue.startsWith("partner.") || !queue.endsWith(".out")) {
            return null;
        }
        return queue.substring("partner.".length(), queue.length() - ".out".length());
    }

    private static String userOf(ActiveMQServer broker, ServerConsumer consumer) {
        ServerSession session = broker.getSessionByID(consumer.getSessionID());
        return session == null ? null : session.getValidatedUser();
    }
}
