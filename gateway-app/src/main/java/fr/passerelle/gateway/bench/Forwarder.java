package fr.passerelle.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import fr.passerelle.gateway.broker.BrokerSettings;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * The plain broker's share of the outbound flow and nothing else: consumers that take each message from one queue
 * and put it on another in one local transaction, as the gateway's consumers do, with no work in between.
 */
final class Forwarder implements AutoCloseable {

    private final ActiveMQConnectionFactory factory;
    private final Connection connection;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;

    Forwarder(String url, String user, String password, String from, String to, int consumers) throws JMSException {
        factory = new ActiveMQConnectionFactory(url);
        factory.setConsumerWindowSize(BrokerSettings.CONSUMER_WINDOW_SIZE);
        connection = factory.createConnection(user, password);
        connection.start();
        for (int i = 0; i < consumers; i++) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue(from));
            MessageProducer producer = session.createProducer(session.createQueue(to));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Thread thread = new Thread(() -> forward(session, consumer, producer), "bench-forwarder-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void forward(Session session, MessageConsumer consumer, MessageProducer producer) {
        try {
            while (running) {
                Message message = consumer.receive(100);
                if (message != null) {
                    producer.send(message);
                    session.commit();
                }
            }
        } catch (JMSException e) {
            if (running) {
                failure.set(e);
            }
        }
    }

    /** Stops the consumers; throws what made one of them stop early, if anything did. */
    @Override
    public void close() throws Exception {
        running = false;
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        connection.close();
        factory.close();
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
