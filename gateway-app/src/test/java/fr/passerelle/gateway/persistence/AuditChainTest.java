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
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.PartnerTrust;

/**
 * The audit hash chain on H2 and on PostgreSQL: it verifies after traffic, including concurrent appends from two
 * gateway instances, and verification names the first broken record after any change made with SQL.
 */
class AuditChainTest {

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    private static final CmsProfile CMS = new CmsProfile();
    private static final PartnerTrust FR_CA = TestPki.partner("fr").trust();

    private static JdbcAuditTrail trail(DataSource dataSource) {
        return trail(dataSource, 5);
    }

    private static JdbcAuditTrail trail(DataSource dataSource, int checkpointEvery) {
        return new JdbcAuditTrail(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                Clock.systemUTC(), statement -> CMS.sign(statement, TestPki.credential("fr", "sign")), checkpointEvery);
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

    /** Inserts a forged record at {@code seq}, chained to record {@code seq - 1} with a correct hash of its own. */
    private static void forge(JdbcTemplate jdbc, long seq) {
        String previous = jdbc.queryForObject("select record_hash from audit_record where seq = ?", String.class,
                seq - 1);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        AuditChain.Entry forged = new AuditChain.Entry(seq, at, "forged", "INBOUND_DELIVERED", "gateway", "spain",
                null);
        jdbc.update("insert into audit_record (seq, recorded_at, message_id, event, actor, partner, details,"
                + " previous_hash, record_hash) values (?, ?, 'forged', 'INBOUND_DELIVERED', 'gateway', 'spain', null,"
                + " ?, ?)", seq, Timestamp.from(at), previous, AuditChain.hash(previous, forged));
    }

    private static AuditVerifier.Result verify(DataSource dataSource) throws Exception {
        return new AuditVerifier(dataSource, FR_CA).verify();
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

    /** Two instances taking turns: each one's records are chained after those the other appended in between. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void anInstanceChainsAfterRecordsAnotherAppendedSinceItsLast(Databases database) throws Exception {
        DataSource dataSource = database.fresh();
        JdbcAuditTrail first = trail(dataSource);
        JdbcAuditTrail second = trail(dataSource);
        first.record("msg-1", AuditEvent.OUTBOUND_RECEIVED, "ofast", null, "first, 1");
        second.record("msg-2", AuditEvent.OUTBOUND_RECEIVED, "douane", null, "second, 1");
        second.record("msg-3", AuditEvent.OUTBOUND_RECEIVED, "douane", null, "second, 2");
        first.record("msg-4", AuditEvent.OUTBOUND_RECEIVED, "ofast", null, "first, 2");

        AuditVerifier.Result result = verify(dataSource);
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(new JdbcTemplate(dataSource).queryForList("select details from audit_record order by seq",
                String.class)).containsExactly("first, 1", "second, 1", "second, 2", "first, 2");
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

    /** Tampering: a forged record added at the end with a correct hash, the chain head left as it was. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aRecordAddedBeyondTheHeadIsFound(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        forge(jdbc, 21);

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.brokenSeq()).isEqualTo(21);
        assertThat(result.problem()).contains("beyond the chain head");
    }

    /**
     * A running gateway keeps appending while a person verifies: each verification checks the trail as far as the
     * head went when it started and finds it intact, whatever is appended meanwhile.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aTrailBeingAppendedToVerifiesIntact(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 20);
        // No checkpoints on the way: each one's signature check would make the verifications the slow part.
        JdbcAuditTrail trail = trail(dataSource, Integer.MAX_VALUE);
        AtomicBoolean appending = new AtomicBoolean(true);
        Thread appender = new Thread(() -> {
            for (int i = 0; i < 1_000; i++) {
                trail.record("live-" + i, AuditEvent.OUTBOUND_QUEUED, "gateway", "spain", "partner.spain.out");
            }
            appending.set(false);
        });
        appender.start();
        int verifications = 0;
        try {
            while (appending.get()) {
                AuditVerifier.Result result = verify(dataSource);
                assertThat(result.intact()).as("verification " + verifications + ": " + result.problem()).isTrue();
                verifications++;
            }
        } finally {
            appender.join();
        }
        assertThat(verifications).as("verifications made while records were appended").isGreaterThan(2);
        assertThat(verify(dataSource).records()).isEqualTo(1_020);
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
        for (long seq = 20; seq >= 7; seq--) {
            jdbc.update("update audit_record set seq = ? where seq = ?", seq + 1, seq);
        }
        forge(jdbc, 7);

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.brokenSeq()).isEqualTo(8);
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

    /**
     * Rewriting history: a record changed and every later hash recomputed, head included, so that the chain
     * alone looks intact. The signed checkpoints, which need our signing key, still vouch for the old hashes.
     */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aRecomputedChainIsCaughtByTheSignedCheckpoints(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 12);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.update("update audit_record set actor = 'douane' where seq = 3");
        String previous = jdbc.queryForObject("select record_hash from audit_record where seq = 2", String.class);
        for (AuditChain.Entry entry : jdbc.query("select * from audit_record where seq >= 3 order by seq",
                (row, n) -> AuditChain.Entry.from(row))) {
            String hash = AuditChain.hash(previous, entry);
            jdbc.update("update audit_record set previous_hash = ?, record_hash = ? where seq = ?", previous, hash,
                    entry.seq());
            previous = hash;
        }
        jdbc.update("update audit_head set last_hash = ? where id = 1", previous);

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.intact()).isFalse();
        assertThat(result.brokenSeq()).isEqualTo(5);
        assertThat(result.problem()).contains("another hash");
    }

    /** Forgery: a checkpoint row whose signature was replaced. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void aTamperedCheckpointSignatureIsFound(Databases database) throws Exception {
        DataSource dataSource = withRecords(database, 10);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String other = jdbc.queryForObject("select signature from audit_checkpoint where seq = 10", String.class);
        jdbc.update("update audit_checkpoint set signature = ? where seq = 5", other);

        AuditVerifier.Result result = verify(dataSource);

        assertThat(result.brokenSeq()).isEqualTo(5);
        assertThat(result.problem()).contains("checkpoint");
    }

    /** The checkpoint a third party checks with openssl alone. */
    @ParameterizedTest
    @EnumSource(Databases.class)
    void checkpointsAreSignedEveryFiveRecords(Databases database) {
        DataSource dataSource = withRecords(database, 12);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        assertThat(jdbc.queryForList("select seq from audit_checkpoint order by seq", Long.class)).containsExactly(5L, 10L);
        String signature = jdbc.queryForObject("select signature from audit_checkpoint where seq = 10", String.class);
        byte[] statement = CMS.verify(java.util.Base64.getDecoder().decode(signature), FR_CA).content();
        assertThat(new String(statement, java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("passerelle-audit-checkpoint v1 seq=10 hash="
                        + jdbc.queryForObject("select record_hash from audit_record where seq = 10", String.class));
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
