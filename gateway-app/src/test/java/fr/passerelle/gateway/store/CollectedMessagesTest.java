package fr.passerelle.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.InOrder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.PartnerCollections;
import fr.passerelle.gateway.broker.PartnerCollections.Taken;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.store.MessageStore.Direction;

/**
 * What a pull-queue partner took, recorded on H2 and PostgreSQL: the copy's delivery time and the audit record;
 * kept and written later when the database refuses; recorded at shutdown once the partners are cut off.
 */
@ExtendWith(OutputCaptureExtension.class)
class CollectedMessagesTest {

    private static final Instant T = Instant.parse("2026-11-29T08:00:00Z");

    @TempDir
    Path keys;

    /** What the broker heard, handed out at the next drain. */
    private final Deque<Taken> heard = new ArrayDeque<>();
    private final PartnerCollections collections = mock(PartnerCollections.class);
    private final EmbeddedBroker broker = mock(EmbeddedBroker.class);
    private final RecordingAudit audit = new RecordingAudit();

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    @SuppressWarnings("unchecked")
    private CollectedMessages collected(DataSource dataSource, AuditTrail trail) {
        when(collections.drainTo(any(), anyInt())).thenAnswer(call -> {
            Collection<Taken> into = call.getArgument(0);
            int max = call.getArgument(1);
            int moved = 0;
            while (!heard.isEmpty() && moved < max) {
                into.add(heard.poll());
                moved++;
            }
            return moved;
        });
        when(collections.waiting()).thenAnswer(call -> heard.size());
        return new CollectedMessages(collections, new JdbcTemplate(dataSource), trail, broker);
    }

    private JdbcMessageStore store(DataSource dataSource) throws Exception {
        return new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(keys.resolve("store.key"), true),
                Clock.fixed(T, ZoneOffset.UTC));
    }

    private static void stored(JdbcMessageStore store, String messageId, String partner) {
        store.store(Direction.OUTBOUND, messageId, partner, MessageStore.Summary.ofType("INTEL_REPORT"),
                new byte[] {1}, "<Envelope/>".getBytes(StandardCharsets.UTF_8), null, "arrival-" + messageId);
    }

    private void took(String messageId, String partner, Instant at) {
        heard.add(new Taken(messageId, partner, at, "taken from partner." + partner + ".out by " + partner
                + " over STOMP from /127.0.0.1:40000"));
    }

    private static Instant deliveredAt(DataSource dataSource, String messageId, String partner) {
        Timestamp at = new JdbcTemplate(dataSource).queryForObject("select delivered_at from message_store"
                + " where message_id = ? and direction = 'OUTBOUND' and partner = ?", Timestamp.class, messageId,
                partner);
        return at == null ? null : at.toInstant();
    }

    /**
     * Each copy taken is delivered when it was taken, with one audit record naming the partner and how; a copy not
     * taken stays undelivered, and a collection for a message without an id is audited without touching the store.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void recordsEachCollectionAsTheCopysDeliveryAndInTheAuditTrail(Databases database) throws Exception {
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
            assertThat(entry.details()).isEqualTo("taken from partner.spain.out by spain over STOMP from"
                    + " /127.0.0.1:40000");
        });
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
        JdbcAuditTrail trail = new JdbcAuditTrail(new JdbcTemplate(dataSource),
                new DataSourceTransactionManager(dataSource), Clock.fixed(T, ZoneOffset.UTC),
                UnaryOperator.identity(), Integer.MAX_VALUE);
        CollectedMessages collected = collected(dataSource, trail);
        took("m-1", "spain", T.plusSeconds(5));
        took("m-2", "spain", T.plusSeconds(5));
        took("m-3", "spain", T.plusSeconds(5));
        collected.record();
        took("m-3", "spain", T.plusSeconds(9));
        collected.record();

        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(deliveredAt(dataSource, "m-2", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(deliveredAt(dataSource, "m-3", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(new JdbcTemplate(dataSource).queryForObject("select count(*) from audit_record"
                + " where event = 'OUTBOUND_COLLECTED'", Integer.class)).isEqualTo(4);
    }

    /**
     * While the audit trail cannot be written, the batch is kept (the warning said once) and written whole at the
     * next run, after which the log says recording works again; nothing is recorded twice.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aBatchTheDatabaseRefusesIsWrittenAtTheNextRun(Databases database, CapturedOutput output) throws Exception {
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
        assertThat(output.getOut()).containsOnlyOnce("Collections by partners cannot be recorded, tried again"
                + " shortly; 1 wait: java.lang.IllegalStateException: database away");

        away.set(false);
        took("m-2", "spain", T.plusSeconds(6));
        collected.record();
        collected.record();

        assertThat(audit.entries()).extracting(AuditTrail.Entry::messageId).containsExactly("m-1", "m-2");
        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(output.getOut()).containsOnlyOnce("Collections by partners are recorded again");
    }

    /** At shutdown: partners are cut off first, then what they took is recorded. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void closingCutsPartnersOffThenRecords(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        stored(store(dataSource), "m-1", "spain");
        CollectedMessages collected = collected(dataSource, audit);
        took("m-1", "spain", T.plusSeconds(5));

        collected.close();

        InOrder order = inOrder(broker, collections);
        order.verify(broker).closeTcp();
        order.verify(collections, atLeastOnce()).drainTo(any(), anyInt());
        assertThat(deliveredAt(dataSource, "m-1", "spain")).isEqualTo(T.plusSeconds(5));
        assertThat(audit.events()).containsExactly(AuditEvent.OUTBOUND_COLLECTED);
    }
}
