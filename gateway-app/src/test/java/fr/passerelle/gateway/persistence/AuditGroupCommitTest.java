package fr.passerelle.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.CmsProfile;

/**
 * The audit trail's group commit on H2: eight threads appending at once get one intact chain holding every record,
 * each thread's records in the order it asked for them; and when the database refuses the write, every caller
 * whose record was in the failed transaction is told, none is left waiting and none of those records is kept.
 */
class AuditGroupCommitTest {

    private static final CmsProfile CMS = new CmsProfile();

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    private static JdbcAuditTrail trail(DataSource dataSource) {
        return new JdbcAuditTrail(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                Clock.systemUTC(), statement -> CMS.sign(statement, TestPki.credential("fr", "sign")), 50);
    }

    @Test
    void concurrentCallersGetOneChainInTheirOwnOrder() throws Exception {
        DataSource dataSource = Databases.H2.fresh();
        JdbcAuditTrail trail = trail(dataSource);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> work = new ArrayList<>();
        for (int thread = 0; thread < 8; thread++) {
            int t = thread;
            work.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 40; i++) {
                    trail.record("msg-" + t, AuditEvent.OUTBOUND_RECEIVED, "ofast", "spain", String.format("%03d", i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : work) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        AuditVerifier.Result result = new AuditVerifier(dataSource, TestPki.partner("fr").trust()).verify();
        assertThat(result.intact()).as(result.problem()).isTrue();
        assertThat(result.records()).isEqualTo(320);
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        for (int t = 0; t < 8; t++) {
            assertThat(jdbc.queryForList("select details from audit_record where message_id = ? order by seq",
                    String.class, "msg-" + t)).as("thread " + t).isSorted().hasSize(40);
        }
        assertThat(jdbc.queryForList("select seq from audit_checkpoint order by seq", Long.class))
                .containsExactly(50L, 100L, 150L, 200L, 250L, 300L);
    }

    @Test
    void aFailedWriteFailsEveryCallerWhoseRecordItHeld() throws Exception {
        DataSource dataSource = Databases.H2.fresh();
        JdbcAuditTrail trail = trail(dataSource);
        trail.record("before", AuditEvent.OUTBOUND_RECEIVED, "ofast", null, "kept");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // The chain head gone: every append must fail, as when the database refuses the write.
        jdbc.update("delete from audit_head");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicInteger failed = new AtomicInteger();
        List<Future<?>> work = new ArrayList<>();
        for (int thread = 0; thread < 6; thread++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    try {
                        trail.record("during", AuditEvent.OUTBOUND_RECEIVED, "ofast", null, "lost");
                    } catch (DataAccessException e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> future : work) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(failed).hasValue(60);
        assertThat(jdbc.queryForObject("select count(*) from audit_record", Integer.class)).isEqualTo(1);
        assertThatThrownBy(() -> trail.record("after", AuditEvent.OUTBOUND_RECEIVED, "ofast", null, "x"))
                .isInstanceOf(DataAccessException.class);
    }
}
