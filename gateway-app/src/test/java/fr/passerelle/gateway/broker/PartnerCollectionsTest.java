package fr.passerelle.gateway.broker;

import static fr.passerelle.gateway.broker.TestBrokers.HOST;
import static fr.passerelle.gateway.broker.TestBrokers.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.broker.PartnerCollections.Taken;
import fr.passerelle.gateway.testing.StompClient;
import fr.passerelle.gateway.testing.StompClient.Frame;
import fr.passerelle.routes.Headers;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * A pull-queue partner taking a message from its queue on the embedded broker, heard once its acknowledgement is
 * committed, over any protocol; everything else that takes a message off a queue, not heard.
 */
class PartnerCollectionsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_DELIVERY_ATTEMPTS = 2;

    @TempDir
    Path data;

    private EmbeddedBroker broker;
    private PartnerCollections collections;
    private int port;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.stop();
        }
    }

    /** Spain and Europol take their messages from their queues; Morocco's queue is the gateway's to dispatch. */
    private void start(int capacity) throws Exception {
        port = TestBrokers.freePort();
        collections = new PartnerCollections(Set.of("spain", "europol"), Clock.systemUTC(), capacity);
        broker = new EmbeddedBroker(TestBrokers.settings(data, port, MAX_DELIVERY_ATTEMPTS), collections);
        broker.start();
    }

    @Test
    void aPartnerTakingItsMessageOverStompIsHeardWithTheMessageIdAndHow() throws Exception {
        start(PartnerCollections.CAPACITY);
        String messageId = queue("partner.spain.out");
        Instant before = Instant.now();

        try (StompClient spain = new StompClient(WAIT)) {
            assertThat(spain.connect(HOST, port, "spain", password("spain"))).isTrue();
            Frame received = spain.receiveOne("partner.spain.out", WAIT);
            assertThat(received.command()).isEqualTo("MESSAGE");
            spain.disconnect();
        }

        List<Taken> taken = awaitTaken(1);
        assertThat(taken).singleElement().satisfies(one -> {
            assertThat(one.messageId()).isEqualTo(messageId);
            assertThat(one.partner()).isEqualTo("spain");
            assertThat(one.at()).isBetween(before, Instant.now());
            assertThat(one.details()).startsWith("taken from partner.spain.out by spain over STOMP from ")
                    .contains("127.0.0.1");
        });
    }

    /** Taken in a transaction: heard at the commit, not at a rollback (the message is delivered again). */
    @Test
    void aTransactedTakeIsHeardOnlyWhenCommitted() throws Exception {
        start(PartnerCollections.CAPACITY);
        String messageId = queue("partner.europol.out");

        try (Connection europol = core("europol")) {
            europol.start();
            Session session = europol.createSession(true, Session.SESSION_TRANSACTED);
            var consumer = session.createConsumer(session.createQueue("partner.europol.out"));
            assertThat(consumer.receive(WAIT.toMillis())).isNotNull();
            session.rollback();
            assertThat(drain()).as("nothing taken on a rollback").isEmpty();

            Message again = consumer.receive(WAIT.toMillis());
            assertThat(again.getStringProperty(Headers.MESSAGE_ID)).isEqualTo(messageId);
            assertThat(drain()).as("nothing taken before the commit").isEmpty();
            session.commit();
        }
        assertThat(drain()).singleElement().satisfies(one -> {
            assertThat(one.messageId()).isEqualTo(messageId);
            assertThat(one.partner()).isEqualTo("europol");
            assertThat(one.details()).contains(" over CORE from ");
        });
    }

    /** An operator emptying a partner's queue, or the gateway dispatching a pushed-to partner's: no partner took it. */
    @Test
    void takesByOthersThanThePartnerAreNotHeard() throws Exception {
        start(PartnerCollections.CAPACITY);
        queue("partner.spain.out");
        queue("partner.morocco.out");

        takeCommitted(core(BrokerSettings.ADMIN), "partner.spain.out");
        takeCommitted(inVmGateway(), "partner.morocco.out");

        assertThat(drain()).isEmpty();
        assertThat(broker.messageCount("partner.spain.out")).isZero();
        assertThat(broker.messageCount("partner.morocco.out")).isZero();
    }

    /** A message the partner rolls back until the broker moves it to quarantine was not taken. */
    @Test
    void aMessageMovedToQuarantineIsNotHeard() throws Exception {
        start(PartnerCollections.CAPACITY);
        queue("partner.spain.out");

        try (Connection spain = core("spain")) {
            spain.start();
            Session session = spain.createSession(true, Session.SESSION_TRANSACTED);
            var consumer = session.createConsumer(session.createQueue("partner.spain.out"));
            for (int attempt = 0; attempt < MAX_DELIVERY_ATTEMPTS; attempt++) {
                assertThat(consumer.receive(WAIT.toMillis())).isNotNull();
                session.rollback();
            }
            assertThat(consumer.receive(200)).isNull();
        }

        assertThat(broker.messageCount(EmbeddedBroker.QUARANTINE)).isEqualTo(1);
        assertThat(drain()).isEmpty();
    }

    /**
     * Messages an operator put there, without a messageId or with something else under its name, are heard all the
     * same, without one: what an operator wrote never reaches the audit trail's columns.
     */
    @Test
    void aMessageWithoutAMessageIdIsHeardWithoutOne() throws Exception {
        start(PartnerCollections.CAPACITY);
        try (Connection admin = core(BrokerSettings.ADMIN)) {
            Session session = admin.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var producer = session.createProducer(session.createQueue("partner.spain.out"));
            producer.send(session.createBytesMessage());
            BytesMessage forged = session.createBytesMessage();
            forged.setStringProperty(Headers.MESSAGE_ID, "x".repeat(100));
            producer.send(forged);
        }
        takeCommitted(core("spain"), "partner.spain.out");
        takeCommitted(core("spain"), "partner.spain.out");

        List<Taken> taken = drain();
        assertThat(taken).extracting(Taken::messageId).containsExactly(null, null);
        assertThat(taken).extracting(Taken::partner).containsOnly("spain");
        assertThat(taken.get(0).details()).doesNotContain("is not a messageId");
        assertThat(taken.get(1).details()).endsWith("(its PasserelleMessageId is not a messageId)")
                .doesNotContain("xxx");
    }

    /** Past its capacity, collections are counted and dropped, never the broker's work held up. */
    @Test
    void pastItsCapacityTheNewestAreDropped() throws Exception {
        start(1);
        String first = queue("partner.spain.out");
        queue("partner.spain.out");

        takeCommitted(core("spain"), "partner.spain.out");
        takeCommitted(core("spain"), "partner.spain.out");

        assertThat(drain()).extracting(Taken::messageId).containsExactly(first);
        assertThat(collections.waiting()).isZero();
    }

    /** Closing the TCP side ends partners' connections; the gateway's in-VM one goes on. */
    @Test
    void closingTcpEndsPartnersConnectionsAndKeepsTheGateways() throws Exception {
        start(PartnerCollections.CAPACITY);
        try (Connection spain = core("spain"); Connection gateway = inVmGateway()) {
            spain.start();
            Session session = spain.createSession(true, Session.SESSION_TRANSACTED);
            var consumer = session.createConsumer(session.createQueue("partner.spain.out"));

            broker.closeTcp();

            assertThatThrownBy(() -> {
                consumer.receive(WAIT.toMillis());
                session.commit();
            }).isInstanceOf(JMSException.class);
            assertThatThrownBy(() -> core("spain").close()).isInstanceOf(JMSException.class);
            Session own = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
            own.createProducer(own.createQueue("partner.spain.out")).send(own.createBytesMessage());
            assertThat(broker.messageCount("partner.spain.out")).isEqualTo(1);
        }
    }

    /** Puts a message for a partner as the gateway does; returns its messageId. */
    private String queue(String queue) throws JMSException {
        String messageId = UUID.randomUUID().toString();
        try (Connection gateway = inVmGateway()) {
            Session session = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(new byte[] {1, 2, 3});
            message.setStringProperty(Headers.MESSAGE_ID, messageId);
            session.createProducer(session.createQueue(queue)).send(message);
        }
        return messageId;
    }

    /** Takes one message in a transaction and commits; the commit returns once the broker has it. */
    private static void takeCommitted(Connection connection, String queue) throws JMSException {
        try (connection) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            assertThat(session.createConsumer(session.createQueue(queue)).receive(WAIT.toMillis())).isNotNull();
            session.commit();
        }
    }

    private Connection core(String account) throws JMSException {
        return new ActiveMQConnectionFactory("tcp://" + HOST + ":" + port, account, password(account))
                .createConnection();
    }

    private Connection inVmGateway() throws JMSException {
        return new ActiveMQConnectionFactory(broker.inVmUrl(), TestBrokers.GATEWAY, password(TestBrokers.GATEWAY))
                .createConnection();
    }

    private List<Taken> drain() {
        List<Taken> taken = new ArrayList<>();
        collections.drainTo(taken, Integer.MAX_VALUE);
        return taken;
    }

    /** Waits for {@code count} collections: a STOMP client's acknowledgement is not awaited by the client. */
    private List<Taken> awaitTaken(int count) throws InterruptedException {
        List<Taken> taken = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (taken.size() < count && System.nanoTime() < deadline) {
            collections.drainTo(taken, Integer.MAX_VALUE);
            Thread.sleep(20);
        }
        return taken;
    }
}
