package fr.passerelle.gateway.broker;

import static fr.passerelle.gateway.broker.TestBrokers.HOST;
import static fr.passerelle.gateway.broker.TestBrokers.password;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.StompClient;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

class EmbeddedBrokerRestartTest {

    @TempDir
    Path data;

    /** Messages queued before the broker stops are still queued, with their sender's account, after a restart. */
    @Test
    void queuedMessagesSurviveRestart() throws Exception {
        int port = TestBrokers.freePort();
        EmbeddedBroker broker = new EmbeddedBroker(TestBrokers.settings(data, port, 5));
        broker.start();
        try {
            try (Connection ofast = new JmsConnectionFactory("ofast", password("ofast"), "amqp://" + HOST + ":" + port)
                    .createConnection()) {
                Session session = ofast.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TextMessage message = session.createTextMessage("<envelope>amqp</envelope>");
                message.setStringProperty("JMSXUserID", "douane");
                message.setStringProperty(SenderStamp.PROPERTY, "douane");
                session.createProducer(session.createQueue("national.ofast.out")).send(message);
            }
            // STOMP messages are non-persistent unless the client sends "persistent:true"; this one does not.
            try (StompClient douane = new StompClient()) {
                assertThat(douane.connect(HOST, port, "douane", password("douane"))).isTrue();
                assertThat(douane.send("national.douane.out", "<envelope>stomp</envelope>",
                        Map.of(SenderStamp.PROPERTY, "ofast")).command())
                        .isEqualTo("RECEIPT");
                douane.disconnect();
            }
        } finally {
            broker.stop();
        }

        EmbeddedBroker restarted = new EmbeddedBroker(TestBrokers.settings(data, TestBrokers.freePort(), 5));
        restarted.start();
        try (Connection gateway = new ActiveMQConnectionFactory(restarted.inVmUrl(), TestBrokers.GATEWAY,
                password(TestBrokers.GATEWAY)).createConnection()) {
            gateway.start();
            Session session = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertReceived(session, "national.ofast.out", "<envelope>amqp</envelope>", "ofast");
            assertReceived(session, "national.douane.out", "<envelope>stomp</envelope>", "douane");
        } finally {
            restarted.stop();
        }
    }

    private static void assertReceived(Session session, String queue, String text, String sender) throws Exception {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message received = consumer.receive(5000);
            assertThat(received).as(queue).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) received).getText()).isEqualTo(text);
            assertThat(received.getStringProperty("JMSXUserID")).isEqualTo(sender);
            assertThat(received.getStringProperty(SenderStamp.PROPERTY)).isEqualTo(sender);
        }
    }
}
