package fr.passerelle.gateway.broker;

import static fr.passerelle.gateway.broker.TestBrokers.HOST;
import static fr.passerelle.gateway.broker.TestBrokers.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.StompClient;
import fr.passerelle.gateway.testing.StompClient.Frame;
import fr.passerelle.routes.Headers;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

/**
 * A pull-queue partner taking a message from its queue on the embedded broker leaves a note on gateway.collections
 * exactly when its acknowledgement commits, over any protocol; nothing else that takes a message off a queue does.
 */
class PartnerCollectionsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int MAX_DELIVERY_ATTEMPTS = 2;

    @TempDir
    Path data;

    private EmbeddedBroker broker;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = TestBrokers.freePort();
        broker = new EmbeddedBroker(TestBrokers.settings(data, port, MAX_DELIVERY_ATTEMPTS), new PartnerCollections());
        broker.start();
    }

    @AfterEach
    void stop() throws Exception {
        broker.stop();
    }

    /** One note taken from gateway.collections. */
    private record Note(String messageId, String partner, Instant at, String how) {
    }

    @Test
    void aPartnerTakingItsMessageOverStompLeavesANoteWithTheMessageIdAndHow() throws Exception {
        String messageId = queue("partner.spain.out");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        try (StompClient spain = new StompClient(WAIT)) {
            assertThat(spain.connect(HOST, port, "spain", password("spain"))).isTrue();
            Frame received = spain.receiveOne("partner.spain.out", WAIT);
            assertThat(received.command()).isEqualTo("MESSAGE");
            spain.disconnect();
        }

        assertThat(notes(1)).singleElement().satisfies(note -> {
            assertThat(note.messageId()).isEqualTo(messageId);
            assertThat(note.partner()).isEqualTo("spain");
            assertThat(note.at()).isBetween(before, Instant.now());
            assertThat(note.how()).startsWith("taken from partner.spain.out by spain over STOMP from ")
                    .contains("127.0.0.1");
        });
    }

    /** Taken in a transaction: the note commits with it, and a rollback leaves none (the message comes again). */
    @Test
    void aTransactedTakeLeavesANoteOnlyWhenCommitted() throws Exception {
        String messageId = queue("partner.europol.out");

        try (Connection europol = core("europol")) {
            europol.start();
            Session session = europol.createSession(true, Session.SESSION_TRANSACTED);
            var consumer = session.createConsumer(session.createQueue("partner.europol.out"));
            assertThat(consumer.receive(WAIT.toMillis())).isNotNull();
            session.rollback();
            assertThat(broker.messageCount(PartnerCollections.QUEUE)).as("no note on a rollback").isZero();

            Message again = consumer.receive(WAIT.toMillis());
            assertThat(again.getStringProperty(Headers.MESSAGE_ID)).isEqualTo(messageId);
            assertThat(broker.messageCount(PartnerCollections.QUEUE)).as("no note before the commit").isZero();
            session.commit();
        }
        assertThat(notes(1)).singleElement().satisfies(note -> {
            assertThat(note.messageId()).isEqualTo(messageId);
            assertThat(note.partner()).isEqualTo("europol");
            assertThat(note.how()).contains(" over CORE from ");
        });
    }

    /** An operator emptying a partner's queue, or the gateway dispatching a pushed-to partner's: no partner took it. */
    @Test
    void takesByOthersThanThePartnerLeaveNoNote() throws Exception {
        queue("partner.spain.out");
        queue("partner.morocco.out");

        takeCommitted(core(BrokerSettings.ADMIN), "partner.spain.out");
        takeCommitted(inVmGateway(), "partner.morocco.out");

        assertThat(broker.messageCount("partner.spain.out")).isZero();
        assertThat(broker.messageCount("partner.morocco.out")).isZero();
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();
    }

    /** A message the partner rolls back until the broker moves it to quarantine was not taken. */
    @Test
    void aMessageMovedToQuarantineLeavesNoNote() throws Exception {
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
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();
    }

    /**
     * Messages an operator put there, without a messageId or with something else under its name, leave a note all
     * the same, without one: what an operator wrote never reaches the audit trail's columns.
     */
    @Test
    void aMessageWithoutAMessageIdLeavesANoteWithoutOne() throws Exception {
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

        List<Note> notes = notes(2);
        assertThat(notes).extracting(Note::messageId).containsExactly(null, null);
        assertThat(notes).extracting(Note::partner).containsOnly("spain");
        assertThat(notes.get(0).how()).doesNotContain("is not a messageId");
        assertThat(notes.get(1).how()).endsWith("(its PasserelleMessageId is not a messageId)").doesNotContain("xxx");
    }

    /** The notes are durable: a broker restarted (or crashed) after the take still has them for the gateway. */
    @Test
    void theNotesOutliveARestartOfTheBroker() throws Exception {
        String messageId = queue("partner.spain.out");
        takeCommitted(core("spain"), "partner.spain.out");
        broker.stop();

        broker = new EmbeddedBroker(TestBrokers.settings(data, port, MAX_DELIVERY_ATTEMPTS), new PartnerCollections());
        broker.start();

        assertThat(notes(1)).extracting(Note::messageId).containsExactly(messageId);
    }

    /** Neither services nor partners may read or write the notes. */
    @Test
    void onlyTheGatewayAndOperatorsReachTheNotes() throws Exception {
        for (String account : List.of("spain", "ofast")) {
            try (Connection connection = core(account)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertThatThrownBy(() -> session.createConsumer(session.createQueue(PartnerCollections.QUEUE)))
                        .as(account).isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> session.createProducer(session.createQueue(PartnerCollections.QUEUE))
                        .send(session.createTextMessage("forged"))).as(account)
                        .isInstanceOf(JMSSecurityException.class);
            }
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

    /** Takes {@code count} notes, as the gateway does, waiting for each up to 5 s; no more are left. */
    private List<Note> notes(int count) throws JMSException {
        List<Note> notes = new ArrayList<>();
        try (Connection gateway = inVmGateway()) {
            gateway.start();
            Session session = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(PartnerCollections.QUEUE));
            for (int i = 0; i < count; i++) {
                Message note = consumer.receive(WAIT.toMillis());
                assertThat(note).as("note " + (i + 1) + " of " + count).isNotNull();
                notes.add(new Note(note.getStringProperty(Headers.MESSAGE_ID), note.getStringProperty(Headers.PARTNER),
                        Instant.ofEpochMilli(note.getLongProperty(PartnerCollections.TAKEN_AT)),
                        note.getStringProperty(PartnerCollections.HOW)));
            }
            assertThat(consumer.receive(100)).as("no other note").isNull();
        }
        return notes;
    }
}
