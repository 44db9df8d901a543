package fr.passerelle.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.routes.audit.AuditEvent;

/**
 * The audit hash chain on H2 and on PostgreSQL: it verifies after traffic, including concurrent appends from two
 * gateway instances, and verification names the first broken record after any change made with SQL.
 */
class AuditChainTest {

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    private static JdbcAuditTrail trail(DataSource dataSource) {
        return new JdbcAuditTrail(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                Clock.systemUTC());
    }

    private static DataSource withRecords(Databases database, int count) {
        DataSource dataSource = database.fresh();
        JdbcAuditTrail trail = trail(dataSource);
        for (int i = 0; i < count; i++) {
            trail.record("msg-" + i, AuditEvent.OUTBOUND_RECEIVED, "ofast", i % 2 == 0 ? "spain" : null,
                    "record " + i + "; 'quoted' \"text\" : with | separators");
        }
        return dataSource;
    }

    private static AuditVerifier.Result verify(DataSource dataSource) throws Exception {
        return new AuditVerifier(dataSource).verify();
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void anUntouchedTrailVerifies(Databases database) throws Exception {
        AuditVerifier.Result result = verify(withRecords(database, 50));

        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(50);
    }

    /** Two gateway instances appending at once, each with its own connections, keep one valid chain. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void concurrentAppendsFromTwoInstancesKeepOneChain(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        List<JdbcAuditTrail> instances = List.of(trail(dataSource), trail(dataSource));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            JdbcAuditTrail instance = instances.get(thread % 2);
            int t = thread;
            work.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    instance.record("msg-" + t + "-" + i, AuditEvent.INBOUND_RECEIVED, "spain", "spain", null);
                }
            }));
        }
        for (Future<?> future : work) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        AuditVerifier.Result result = verify(dataSource);
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(200);
    }

    /** Tampering: one field of one record changed with SQL. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aChangedFieldIsFoundAndNamed(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        new JdbcTemplate(dataSource).update("update audit_record set actor = 'douane' where seq = 7");

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.intact()).isFalse();
        assertThat(result.brokenSeq()).isEqualTo(7);
        assertThat(result.problem()).contains("changed");
    }

    /** Tampering: a record deleted from the middle. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aDeletedRecordIsFound(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        new JdbcTemplate(dataSource).update("delete from audit_record where seq = 12");

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.brokenSeq()).isEqualTo(13);
        assertThat(result.problem()).contains("12").contains("missing");
    }

    /** Tampering: the last records deleted, hoping nobody counts. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void recordsRemovedFromTheEndAreFound(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        new JdbcTemplate(dataSource).update("delete from audit_record where seq > 18");

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.intact()).isFalse();
        assertThat(result.problem()).contains("removed from the end");
    }

    /**
     * Tampering: a forged record inserted in the middle, with a correct hash of its own, the later records
     * renumbered to make room.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void anInsertedRecordIsFound(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        for (long seq = 20; seq >= 10; seq--) {
            jdbc.update("update audit_record set seq = ? where seq = ?", seq + 1, seq);
        }
        String previous = jdbc.queryForObject("select record_hash from audit_record where seq = 9", String.class);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        AuditChain.Entry forged = new AuditChain.Entry(10, at, "forged", "INBOUND_DELIVERED", "gateway", "spain", null);
        jdbc.update("insert into audit_record (seq, recorded_at, message_id, event, actor, partner, details,"
                + " previous_hash, record_hash) values (10, ?, 'forged', 'INBOUND_DELIVERED', 'gateway', 'spain', null,"
                + " ?, ?)", Timestamp.from(at), previous, AuditChain.hash(previous, forged));

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.brokenSeq()).isEqualTo(11);
        assertThat(result.problem()).contains("previous hash");
    }

    /** Tampering: two records swapped, so that events seem to happen in another order. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aReorderedPairIsFound(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.update("update audit_record set seq = -5 where seq = 5");
        jdbc.update("update audit_record set seq = 5 where seq = 6");
        jdbc.update("update audit_record set seq = 6 where seq = -5");

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.intact()).isFalse();
        assertThat(result.brokenSeq()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void recordsCarryTheirChainLinks(Databases database) {
        DataSource dataSource = withRecords(database, 2);
        List<Map<String, Object>> rows = new JdbcTemplate(dataSource)
                .queryForList("select seq, previous_hash, record_hash from audit_record order by seq");

        assertThat(rows.get(0).get("previous_hash")).isEqualTo(AuditChain.GENESIS);
        assertThat(rows.get(1).get("previous_hash")).isEqualTo(rows.get(0).get("record_hash"));
    }
}
