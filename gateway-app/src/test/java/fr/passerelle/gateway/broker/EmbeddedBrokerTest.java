package fr.passerelle.gateway.broker;

import static fr.passerelle.gateway.broker.TestBrokers.HOST;
import static fr.passerelle.gateway.broker.TestBrokers.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.StompClient;
import fr.passerelle.gateway.testing.StompClient.Frame;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/** The broker as services, partners and operators see it through its TCP port, and as the gateway sees it in-VM. */
class EmbeddedBrokerTest {

    private static final int MAX_DELIVERY_ATTEMPTS = 3;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    static Path data;

    private static EmbeddedBroker broker;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestBrokers.freePort();
        broker = new EmbeddedBroker(TestBrokers.settings(data, port, MAX_DELIVERY_ATTEMPTS));
        broker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.stop();
    }

    /** A STOMP send to a plain queue name lands in that queue, stamped with the sender's account, not a forged one. */
    @Test
    void stompSendIsStampedWithTheAuthenticatedAccount() throws Exception {
        try (StompClient ofast = stomp("ofast")) {
            Frame receipt = ofast.send("national.ofast.out", "<envelope/>",
                    Map.of("_AMQ_VALIDATED_USER", "douane", "JMSXUserID", "douane", SenderStamp.PROPERTY, "douane"));
            assertThat(receipt.command()).isEqualTo("RECEIPT");
            ofast.disconnect();
        }

        Message received = gatewayReceive("national.ofast.out");
        assertThat(received).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) received).getText()).isEqualTo("<envelope/>");
        assertThat(received.getStringProperty("_AMQ_VALIDATED_USER")).isEqualTo("ofast");
        assertThat(received.getStringProperty("JMSXUserID")).isEqualTo("ofast");
        assertThat(received.getStringProperty(SenderStamp.PROPERTY)).isEqualTo("ofast");
    }

    /** An AMQP send to a plain queue name lands in that queue, stamped with the sender's account, not a forged one. */
    @Test
    void amqpSendIsStampedWithTheAuthenticatedAccount() throws Exception {
        try (Connection ofast = amqp("ofast", password("ofast"))) {
            Session session = ofast.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage("<envelope/>");
            message.setStringProperty("JMSXUserID", "douane");
            message.setStringProperty("_AMQ_VALIDATED_USER", "douane");
            message.setStringProperty(SenderStamp.PROPERTY, "douane");
            session.createProducer(session.createQueue("national.ofast.out")).send(message);
        }

        Message received = gatewayReceive("national.ofast.out");
        assertThat(((TextMessage) received).getText()).isEqualTo("<envelope/>");
        assertThat(received.getStringProperty("JMSXUserID")).isEqualTo("ofast");
        assertThat(received.getStringProperty("_AMQ_VALIDATED_USER")).isEqualTo("ofast");
        assertThat(received.getStringProperty(SenderStamp.PROPERTY)).isEqualTo("ofast");
    }

    /** A partner reads over AMQP, byte for byte, the binary message the gateway queued for it. */
    @Test
    void partnerReadsGatewayBytesOverAmqp() throws Exception {
        byte[] sealed = allByteValues();
        gatewaySendBytes("partner.spain.out", sealed);

        try (Connection spain = amqp("spain", password("spain"))) {
            Session session = spain.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message received = session.createConsumer(session.createQueue("partner.spain.out"))
                    .receive(WAIT.toMillis());
            assertThat(received).isInstanceOf(BytesMessage.class);
            assertThat(received.getBody(byte[].class)).isEqualTo(sealed);
        }
    }

    /** A service reads over STOMP, byte for byte, the binary message the gateway delivered to it. */
    @Test
    void serviceReadsGatewayBytesOverStomp() throws Exception {
        byte[] payload = allByteValues();
        gatewaySendBytes("national.ofast.in", payload);

        try (StompClient ofast = stomp("ofast")) {
            Frame received = ofast.receiveOne("national.ofast.in", WAIT);
            assertThat(received.command()).isEqualTo("MESSAGE");
            assertThat(received.header("content-length")).isEqualTo("256");
            assertThat(received.body()).isEqualTo(payload);
            ofast.disconnect();
        }
    }

    /** A partner can read neither another partner's queue nor any national queue. */
    @Test
    void partnerCannotReadOtherQueues() throws Exception {
        try (Connection spain = amqp("spain", password("spain"))) {
            Session session = spain.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : new String[] {"partner.morocco.out", "national.ofast.in", "national.ofast.out"}) {
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(queue)))
                        .as(queue).isInstanceOf(JMSSecurityException.class);
            }
        }
    }

    /** A service may only send to its own outbox: not to another's, not to its inbox, and it cannot read its outbox. */
    @Test
    void serviceCannotSendElsewhereNorReadItsOutbox() throws Exception {
        try (StompClient ofast = stomp("ofast")) {
            assertThat(ofast.send("national.douane.out", "x", Map.of()).command()).isEqualTo("ERROR");
        }
        try (StompClient ofast = stomp("ofast")) {
            assertThat(ofast.send("national.ofast.in", "x", Map.of()).command()).isEqualTo("ERROR");
        }
        try (StompClient ofast = stomp("ofast")) {
            assertThat(ofast.subscribe("national.ofast.out").command()).isEqualTo("ERROR");
        }
        try (Connection ofast = amqp("ofast", password("ofast"))) {
            Session session = ofast.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createQueue("national.douane.out"))
                    .send(session.createTextMessage("x"))).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> session.createConsumer(session.createQueue("national.ofast.out")))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    /** A wrong password or an unknown account is refused, over STOMP and AMQP. */
    @Test
    void wrongPasswordIsRefused() throws Exception {
        try (StompClient client = new StompClient(WAIT)) {
            assertThat(client.connect(HOST, port, "ofast", "sample-douane")).isFalse();
        }
        try (StompClient client = new StompClient(WAIT)) {
            assertThat(client.connect(HOST, port, "nobody", "sample-nobody")).isFalse();
        }
        assertThatThrownBy(() -> amqp("spain", "sample-spain-wrong").close()).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> amqp("gateway", "sample-ofast").close()).isInstanceOf(JMSSecurityException.class);
    }

    /** A client without credentials is refused, over STOMP and AMQP. */
    @Test
    void anonymousIsRefused() throws Exception {
        try (StompClient client = new StompClient(WAIT)) {
            assertThat(client.connect(HOST, port, null, null)).isFalse();
        }
        assertThatThrownBy(() -> {
            try (Connection connection = new JmsConnectionFactory("amqp://" + HOST + ":" + port).createConnection()) {
                connection.start();
            }
        }).isInstanceOf(JMSSecurityException.class);
    }

    /** Even admin cannot send to an address that was not created at start: nothing is auto-created. */
    @Test
    void unknownAddressIsRefusedEvenForAdmin() throws Exception {
        try (StompClient admin = stomp("admin")) {
            assertThat(admin.send("national.nobody.out", "x", Map.of()).command()).isEqualTo("ERROR");
        }
        try (Connection admin = amqp("admin", password("admin"))) {
            Session session = admin.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createQueue("national.nobody.out"))
                    .send(session.createTextMessage("x"))).isInstanceOf(JMSException.class);
        }
    }

    /** Admin can send to and read from every queue. */
    @Test
    void adminCanSendAndReadEveryQueue() throws Exception {
        try (Connection admin = amqp("admin", password("admin"))) {
            Session session = admin.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : new String[] {"national.tracfin.out", "national.tracfin.in", "partner.amon.out",
                    EmbeddedBroker.REVIEW, EmbeddedBroker.QUARANTINE}) {
                session.createProducer(session.createQueue(queue)).send(session.createTextMessage("admin " + queue));
                try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
                    Message received = consumer.receive(WAIT.toMillis());
                    assertThat(received).as(queue).isInstanceOf(TextMessage.class);
                    assertThat(((TextMessage) received).getText()).isEqualTo("admin " + queue);
                }
            }
        }
    }

    /** A message the gateway rolls back maxDeliveryAttempts times is moved to quarantine, not lost. */
    @Test
    void messageRolledBackTooOftenGoesToQuarantine() throws Exception {
        try (Connection gateway = gateway()) {
            gateway.start();
            Session session = gateway.createSession(true, Session.SESSION_TRANSACTED);
            session.createProducer(session.createQueue("national.police.out"))
                    .send(session.createTextMessage("cannot be processed"));
            session.commit();

            MessageConsumer consumer = session.createConsumer(session.createQueue("national.police.out"));
            for (int attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
                Message delivered = consumer.receive(Duration.ofSeconds(15).toMillis());
                assertThat(delivered).as("delivery " + attempt).isNotNull();
                session.rollback();
            }
            assertThat(consumer.receive(1000)).isNull();
            consumer.close();

            Message quarantined = session.createConsumer(session.createQueue(EmbeddedBroker.QUARANTINE))
                    .receive(WAIT.toMillis());
            session.commit();
            assertThat(((TextMessage) quarantined).getText()).isEqualTo("cannot be processed");
            assertThat(quarantined.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("national.police.out");
        }
    }

    private static StompClient stomp(String account) throws Exception {
        StompClient client = new StompClient(WAIT);
        assertThat(client.connect(HOST, port, account, password(account))).as("STOMP login of " + account).isTrue();
        return client;
    }

    private static Connection amqp(String account, String password) throws JMSException {
        Connection connection = new JmsConnectionFactory(account, password, "amqp://" + HOST + ":" + port)
                .createConnection();
        try {
            connection.start();
        } catch (JMSException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static Connection gateway() throws JMSException {
        return new ActiveMQConnectionFactory(broker.inVmUrl(), TestBrokers.GATEWAY, password(TestBrokers.GATEWAY))
                .createConnection();
    }

    private static Message gatewayReceive(String queue) throws JMSException {
        try (Connection gateway = gateway()) {
            gateway.start();
            Session session = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message received = session.createConsumer(session.createQueue(queue)).receive(WAIT.toMillis());
            assertThat(received).as("message on " + queue).isNotNull();
            return received;
        }
    }

    private static void gatewaySendBytes(String queue, byte[] body) throws JMSException {
        try (Connection gateway = gateway()) {
            Session session = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(body);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.send(message);
        }
    }

    private static byte[] allByteValues() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
