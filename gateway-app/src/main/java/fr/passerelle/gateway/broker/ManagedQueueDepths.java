package fr.passerelle.gateway.broker;

import java.time.Duration;

import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;

/**
 * Queue depths of a broker outside the gateway's process, asked of its management address
 * ({@code activemq.management}, attribute {@code messageCount} of {@code queue.<name>}) over a connection of the
 * gateway's own account, which may manage. One connection, opened on first use and dropped on any failure (it is
 * opened again on the next question), and an answer awaited for a bounded time: a scrape or a console page during a
 * fail-over gets an {@link IllegalStateException}, never a thread stuck.
 */
public final class ManagedQueueDepths implements QueueDepths, AutoCloseable {

    private static final Queue MANAGEMENT = ActiveMQJMSClient.createQueue("activemq.management");

    private final ConnectionFactory connectionFactory;
    private final Duration timeout;
    private Connection connection;
    private Session session;
    private MessageProducer producer;
    private TemporaryQueue replies;
    private MessageConsumer consumer;

    /**
     * @param connectionFactory a factory of the gateway's account, not a caching one: the reply queue must live
     *     as long as the connection held here
     * @param timeout how long to wait for the broker's answer
     */
    public ManagedQueueDepths(ConnectionFactory connectionFactory, Duration timeout) {
        this.connectionFactory = connectionFactory;
        this.timeout = timeout;
    }

    @Override
    public synchronized long messageCount(String queue) {
        Message reply;
        try {
            open();
            Message request = session.createMessage();
            JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, "messageCount");
            request.setJMSReplyTo(replies);
            producer.send(request);
            reply = consumer.receive(timeout.toMillis());
        } catch (JMSException e) {
            close();
            throw new IllegalStateException("cannot ask the broker for the depth of " + queue + ": " + e, e);
        }
        if (reply == null) {
            // A late answer must not be taken for the next question's: the next one gets a new reply queue.
            close();
            throw new IllegalStateException("the broker did not tell the depth of " + queue + " within " + timeout);
        }
        try {
            if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                throw new IllegalArgumentException("no queue " + queue);
            }
            return ((Number) JMSManagementHelper.getResult(reply)).longValue();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unreadable answer of the broker about " + queue + ": " + e, e);
        }
    }

    private void open() throws JMSException {
        if (connection != null) {
            return;
        }
        try {
            connection = connectionFactory.createConnection();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            producer = session.createProducer(MANAGEMENT);
            replies = session.createTemporaryQueue();
            consumer = session.createConsumer(replies);
            connection.start();
        } catch (JMSException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                // Already broken: nothing more to release.
            }
        }
        connection = null;
        session = null;
        producer = null;
        replies = null;
        consumer = null;
    }
}
