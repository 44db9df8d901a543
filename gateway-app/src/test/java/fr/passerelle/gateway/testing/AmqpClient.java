package fr.passerelle.gateway.testing;

import java.util.Map;

import org.apache.qpid.jms.JmsConnectionFactory;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * An AMQP 1.0 client (Qpid JMS) of the gateway's broker, as a national service or a partner would use it; each
 * account logs in with its sample password {@code sample-<account>}.
 */
public final class AmqpClient {

    private final JmsConnectionFactory factory;

    public AmqpClient(int brokerPort) {
        this.factory = new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort);
    }

    /** Sends {@code body} as a persistent bytes message to {@code queue}, as {@code account}. */
    public void send(String account, String queue, byte[] body) throws JMSException {
        send(account, queue, body, Map.of());
    }

    /** The same, with message properties (such as {@code PasserelleSubmitter}). */
    public void send(String account, String queue, byte[] body, Map<String, String> properties)
            throws JMSException {
        try (Connection connection = factory.createConnection(account, "sample-" + account)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(body);
            for (Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            session.createProducer(session.createQueue(queue)).send(message);
        }
    }

    /** The first message on {@code queue} matching {@code selector} (any when null), or null after the timeout. */
    public Message receive(String account, String queue, String selector, long timeoutMillis) throws JMSException {
        try (Connection connection = factory.createConnection(account, "sample-" + account)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return session.createConsumer(session.createQueue(queue), selector).receive(timeoutMillis);
        }
    }

    /**
     * How many messages wait on {@code queue} for a consumer to ask for them, as {@code account} browses it: those a
     * consumer holds, or that the broker already handed it ahead of its asking, are not counted.
     */
    public int waiting(String account, String queue) throws JMSException {
        try (Connection connection = factory.createConnection(account, "sample-" + account)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            int count = 0;
            for (var messages = session.createBrowser(session.createQueue(queue)).getEnumeration();
                    messages.hasMoreElements(); messages.nextElement()) {
                count++;
            }
            return count;
        }
    }

    /** The body of a bytes message. */
    public static byte[] bytes(Message message) throws JMSException {
        BytesMessage bytesMessage = (BytesMessage) message;
        byte[] body = new byte[(int) bytesMessage.getBodyLength()];
        bytesMessage.readBytes(body);
        return body;
    }
}
