package fr.passerelle.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.gateway.broker.TestBrokers;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * The notes of what pull-queue partners took, recorded on H2 and PostgreSQL from a real broker queue: the copy's
 * delivery time and the audit record; a batch the database refuses stays on the queue until it can be recorded.
 */
@ExtendWith(OutputCaptureExtension.class)
class CollectedMessagesTest {

    private static final Instant T = Instant.parse("2026-11-29T08:00:00Z");

    @TempDir
    static Path data;

    @TempDir
    Path keys;

    private static EmbeddedBroker broker;
    private static ActiveMQConnectionFactory gateway;

    private final RecordingAudit audit = new RecordingAudit();
    private final List<CollectedMessages> opened = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedBroker(TestBrokers.settings(data, TestBrokers.freePort(), 5), new PartnerCollections());
        broker.start();
        gateway = new ActiveMQConnectionFactory(broker.inVmUrl(), TestBrokers.GATEWAY,
                TestBrokers.password(TestBrokers.GATEWAY));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.stop();
        Databases.dropCreatedSchemas();
    }

    @AfterEach
    void emptyTheQueue() throws Exception {
        opened.forEach(CollectedMessages::close);
        try (Connection connection = gateway.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = session.createConsumer(session.createQueue(PartnerCollections.QUEUE));
            while (consumer.receive(50) != null) {
                // emptied
            }
        }
    }

    /** Runs as long as their backlog needs, however slow the machine. */
    private CollectedMessages collected(DataSource dataSource, AuditTrail trail) {
        return collected(dataSource, trail, Duration.ofMinutes(5));
    }

    private CollectedMessages collected(DataSource dataSource, AuditTrail trail, Duration runLimit) {
        CollectedMessages collected = new CollectedMessages(gateway, new JdbcTemplate(dataSource), trail, runLimit);
        opened.add(collected);
        return collected;
    }

    private JdbcMessageStore store(DataSource dataSource) throws Exception {
        return new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(keys.resolve("store.key"), true),
                Clock.fixed(T, ZoneOffset.UTC));
    }

    private static void stored(JdbcMessageStore store, String messageId, String partner) {
        store.store(Direction.OUTBOUND, messageId, partner, MessageStore.Summary.ofType("INTEL_REPORT"),
                new byte[] {1}, "<Envelope/>".getBytes(StandardCharsets.UTF_8), null, "arrival-" + messageId);
    }

    /** Notes as the broker writes them, one per collection. */
    private static void took(int count, String messageId, String partner, Instant at) throws JMSException {
        try (Connection connection = gateway.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(PartnerCollections.QUEUE));
            for (int i = 0; i < count; i++) {
                Message note = session.createMessage();
                if (messageId != null) {
                    note.setStringProperty(Headers.MESSAGE_ID, messageId);
                }
                note.setStringProperty(Headers.PARTNER, partner);
                note.setLongProperty(PartnerCollections.TAKEN_AT, at.toEpochMilli());
                note.setStringProperty(PartnerCollections.HOW, "taken from partner." + partner + ".out by " + partner
                        + " over STOMP from /127.0.0.1:40000");
                producer.send(note);
            }
            session.commit();
        }
    }

    private static void took(String messageId, String partner, Instant at) throws JMSException {
        took(1, messageId, partner, at);
    }

    private static Instant deliveredAt(DataSource dataSource, String messageId, String partner) {
        Timestamp at = new JdbcTemplate(dataSource).queryForObject("select delivered_at from message_store"
                + " where message_id = ? and direction = 'OUTBOUND' and partner = ?", Timestamp.class, messageId,
                partner);
        return at == null ? null : at.toInstant();
    }

    /**
     * Each copy taken is delivered when it was taken, with one audit record naming the partner and how; a copy not
     * taken stays undelivered, and a note for a message without an id is audited without touching the store. The
     * notes are gone from the queue once recorded.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void recordsEachNoteAsTheCopysDeliveryAndInTheAuditTrail(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        stored(store, "m-1", "spain");
        stored(store, "m-2", "spain");
        stored(store, "m-1", "europol");
        took("m-1", "spain", T.plusSeconds(5));
        took(null, "spain", T.plusSeconds(6));

        collected(dataSource, audit).record();

        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(deliveredAt(dataSource, "m-1", "europol")).isNull();
        assertThat(deliveredAt(dataSource, "m-2", "spain")).isNull();
        assertThat(audit.writes()).containsExactly(List.of(AuditEvent.OUTBOUND_COLLECTED,
                AuditEvent.OUTBOUND_COLLECTED));
        assertThat(audit.entries()).extracting(AuditTrail.Entry::messageId).containsExactly("m-1", null);
        assertThat(audit.entries().get(0)).satisfies(entry -> {
            assertThat(entry.actor()).isEqualTo("spain");
            assertThat(entry.partner()).isEqualTo("spain");
            assertThat(entry.details()).isEqualTo(details(T.plusSeconds(5)));
        });
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();
    }

    /** A backlog larger than a batch is recorded batch after batch in one run. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aBacklogIsRecordedBatchAfterBatch(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        took(CollectedMessages.BATCH + 5, null, "spain", T);

        collected(dataSource, audit).record();

        assertThat(audit.writes()).extracting(List::size).containsExactly(CollectedMessages.BATCH, 5);
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();
    }

    /** A run past its time limit ends after its batch: the next run records the rest. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aRunPastItsTimeEndsAfterItsBatch(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        took(CollectedMessages.BATCH + 5, null, "spain", T);
        CollectedMessages collected = collected(dataSource, audit, Duration.ZERO);

        collected.record();

        assertThat(audit.writes()).extracting(List::size).containsExactly(CollectedMessages.BATCH);
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isEqualTo(5);

        collected.record();

        assertThat(audit.writes()).extracting(List::size).containsExactly(CollectedMessages.BATCH, 5);
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();
    }

    /**
     * The SLA watch notes a copy it no longer finds in the queue as delivered when it looked: the first collection
     * recorded replaces that time, later (the usual case) or earlier (the watch looked while a delivery that rolled
     * back was under way). A second collection of the same copy keeps the first one's time.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void theFirstCollectionRecordedSetsTheTime(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        stored(store, "m-1", "spain");
        stored(store, "m-2", "spain");
        stored(store, "m-3", "spain");
        store.delivered("m-1", "spain", null, T.plusSeconds(60));
        store.delivered("m-2", "spain", null, T.plusSeconds(1));
        CollectedMessages collected = collected(dataSource, trail(dataSource));
        took("m-1", "spain", T.plusSeconds(5));
        took("m-2", "spain", T.plusSeconds(5));
        took("m-3", "spain", T.plusSeconds(5));
        collected.record();
        took("m-3", "spain", T.plusSeconds(9));
        collected.record();

        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(deliveredAt(dataSource, "m-2", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(deliveredAt(dataSource, "m-3", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(collectedRecords(dataSource)).isEqualTo(4);
    }

    /**
     * A note recorded before comes again when the gateway stopped, or the broker failed over, between writing its
     * batch and taking it off the queue: it is not recorded twice, be it the first take of its copy, a later one, or
     * one of a message the store no longer holds. Two takes of one copy in a batch (a message queued twice): the
     * earlier sets the copy's time. The copy taken again later is recorded again.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aNoteThatComesAgainIsRecordedOnce(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcMessageStore store = store(dataSource);
        stored(store, "m-1", "spain");
        stored(store, "m-2", "spain");
        CollectedMessages collected = collected(dataSource, trail(dataSource));
        tookFourNotes();
        collected.record();
        assertThat(deliveredAt(dataSource, "m-2", "spain")).isEqualTo(T.plusSeconds(5));

        tookFourNotes();
        collected.record();

        assertThat(new JdbcTemplate(dataSource).queryForList("select details from audit_record"
                + " where event = 'OUTBOUND_COLLECTED' order by seq", String.class)).containsExactly(
                        details(T.plusSeconds(5)), details(T.plusSeconds(5)), details(T.plusSeconds(9)),
                        details(T.plusSeconds(5)));
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();

        took("m-1", "spain", T.plusSeconds(9));
        collected.record();
        took("m-1", "spain", T.plusSeconds(9));
        collected.record();

        assertThat(collectedRecords(dataSource)).isEqualTo(5);
        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(deliveredAt(dataSource, "m-2", "spain")).isEqualTo(T.plusSeconds(5));
    }

    /** m-1 taken, m-2 taken twice (queued twice), m-9 (not in the store) taken. */
    private static void tookFourNotes() throws JMSException {
        took("m-1", "spain", T.plusSeconds(5));
        took("m-2", "spain", T.plusSeconds(5));
        took("m-2", "spain", T.plusSeconds(9));
        took("m-9", "spain", T.plusSeconds(5));
    }

    /** The details of the collection record of a note of {@link #took}, taken by spain {@code at}. */
    private static String details(Instant at) {
        return "taken from partner.spain.out by spain over STOMP from /127.0.0.1:40000 at " + at;
    }

    /** An audit trail in the test's database, its records timed at {@code T}. */
    private static JdbcAuditTrail trail(DataSource dataSource) {
        return new JdbcAuditTrail(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                Clock.fixed(T, ZoneOffset.UTC), UnaryOperator.identity(), Integer.MAX_VALUE);
    }

    private static Integer collectedRecords(DataSource dataSource) {
        return new JdbcTemplate(dataSource).queryForObject("select count(*) from audit_record"
                + " where event = 'OUTBOUND_COLLECTED'", Integer.class);
    }

    /**
     * While the audit trail cannot be written, the notes stay on the queue (the warning said once) and are recorded
     * at a later run, after which the log says recording works again; nothing is recorded twice.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void notesTheDatabaseRefusesStayOnTheQueueUntilRecorded(Databases database, CapturedOutput output)
            throws Exception {
        DataSource dataSource = database.fresh();
        stored(store(dataSource), "m-1", "spain");
        AtomicBoolean away = new AtomicBoolean(true);
        AuditTrail failing = (messageId, event, actor, partner, details) -> {
            if (away.get()) {
                throw new IllegalStateException("database away");
            }
            audit.record(messageId, event, actor, partner, details);
        };
        CollectedMessages collected = collected(dataSource, failing);
        took("m-1", "spain", T.plusSeconds(5));

        collected.record();
        collected.record();
        assertThat(audit.entries()).isEmpty();
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isEqualTo(1);
        assertThat(output.getOut()).containsOnlyOnce("Collections by partners cannot be recorded, the database"
                + " failed; they wait on gateway.collections and are tried again shortly:"
                + " java.lang.IllegalStateException: database away");

        away.set(false);
        took("m-2", "spain", T.plusSeconds(6));
        collected.record();
        collected.record();

        assertThat(audit.entries()).extracting(AuditTrail.Entry::messageId).containsExactly("m-1", "m-2");
        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(broker.messageCount(PartnerCollections.QUEUE)).isZero();
        assertThat(output.getOut()).containsOnlyOnce("Collections by partners are recorded again");
    }
}
