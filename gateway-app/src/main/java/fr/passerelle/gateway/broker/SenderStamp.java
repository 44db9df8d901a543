package fr.passerelle.gateway.broker;

import java.util.UUID;

import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

import fr.passerelle.routes.Headers;

/**
 * What the broker imposes on every message it accepts, whatever the client wrote: the account that authenticated
 * the sending session, under {@value #PROPERTY} (read by the routes) and as the validated user
 * ({@code JMSXUserID} for a core JMS consumer); and durability.
 *
 * <p>AMQP needs care. Artemis keeps AMQP messages in their own encoding: it ignores populate-validated-user for
 * them, turns the AMQP {@code user-id} (set freely by the sender) into {@code JMSXUserID} for core consumers, and
 * does not persist a property changed in place, so a forged one would be back after a restart. A broker property
 * is persisted beside the message and applied last when it is converted for a core consumer, so it wins.
 *
 * <p>Arrival id: a random id under {@value #ARRIVAL}, kept with the message in the journal, so that a message
 * redelivered after a crash of the gateway (and of its embedded broker) is told apart from another message a
 * client sent with the same content.
 *
 * <p>Durability: STOMP and MQTT QoS 0 messages are non-persistent unless the client asks otherwise, and would
 * vanish with a broker restart. Every queue here is a hand-over point that must survive one.
 *
 * <p>Public, with a public constructor, and an {@link ActiveMQServerPlugin} (the only kind a stock broker's
 * {@code <broker-plugin>} element accepts; all its other callbacks do nothing), so that a stock Artemis broker can
 * load it with this class alone on its class path (see {@code ops/artemis/}).
 */
public final class SenderStamp implements ActiveMQServerPlugin {

    public SenderStamp() {
        // Stateless: every message is stamped from its session alone.
    }

    /** The message property holding the authenticated sender account. */
    static final String PROPERTY = Headers.BROKER_SENDER_PROPERTY;

    /** The message property holding an id the broker gives the message on arrival, the same on every redelivery. */
    static final String ARRIVAL = Headers.ARRIVAL_ID_PROPERTY;

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueue) {
        message.setDurable(true);
        message.removeProperty(PROPERTY);
        message.removeProperty(ARRIVAL);
        String arrival = UUID.randomUUID().toString();
        String user = session.getValidatedUser();
        if (message instanceof ICoreMessage) {
            message.putStringProperty(ARRIVAL, arrival);
            if (user != null) {
                message.putStringProperty(PROPERTY, user);
            }
        } else {
            message.setBrokerProperty(SimpleString.of(ARRIVAL), arrival);
            if (user != null) {
                message.setBrokerProperty(Message.HDR_VALIDATED_USER, user);
                message.setBrokerProperty(SimpleString.of(PROPERTY), user);
            }
        }
    }
}
