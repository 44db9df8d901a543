package fr.passerelle.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
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

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.TransactionSystemException;

import fr.passerelle.gateway.config.RepeatingTask;
import fr.passerelle.routes.Availability;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;

/** Which failures make the consumers wait for the database, and how they stop waiting. */
class DatabaseAvailabilityTest {

    private static DatabaseAvailability on(JdbcDataSource dataSource) {
        return new DatabaseAvailability(dataSource, Clock.systemUTC());
    }

    private static JdbcDataSource answering() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:availability-" + System.nanoTime());
        return dataSource;
    }

    @Test
    void onlyFailuresToReachTheDatabaseCount() {
        assertThat(DatabaseAvailability.unreachable(new DataAccessResourceFailureException("gone"))).isTrue();
        assertThat(DatabaseAvailability.unreachable(new RuntimeException("wrapped",
                new SQLTransientConnectionException("pool timed out")))).isTrue();
        assertThat(DatabaseAvailability.unreachable(new IllegalStateException("wrapped",
                new SQLException("connection refused", "08001")))).isTrue();

        // The connection lost mid-statement: the rollback fails as well, and hides the statement's failure.
        TransactionSystemException lostMidStatement = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        lostMidStatement.initApplicationException(new DataAccessResourceFailureException("I/O error",
                new SQLException("An I/O error occurred while sending to the backend", "08006")));
        assertThat(DatabaseAvailability.unreachable(new IllegalStateException("wrapped", lostMidStatement)))
                .isTrue();

        TransactionSystemException rollbackAfterABadRow = new TransactionSystemException("JDBC rollback failed",
                new SQLException("rollback refused"));
        rollbackAfterABadRow.initApplicationException(new DuplicateKeyException("twice"));
        assertThat(DatabaseAvailability.unreachable(rollbackAfterABadRow)).isFalse();
        assertThat(DatabaseAvailability.unreachable(new DuplicateKeyException("twice"))).isFalse();
        assertThat(DatabaseAvailability.unreachable(new SQLIntegrityConstraintViolationException("x", "23505")))
                .isFalse();
        assertThat(DatabaseAvailability.unreachable(new GatewayException(ReasonCode.SCHEMA_INVALID, "bad")))
                .isFalse();
        assertThat(DatabaseAvailability.unreachable(new RuntimeException("no cause"))).isFalse();
    }

    @Test
    void whileUpNobodyWaitsAndOtherFailuresChangeNothing() {
        DatabaseAvailability availability = on(answering());
        availability.failed(new DuplicateKeyException("twice"));
        assertThat(availability.down()).isFalse();
        availability.awaitAvailable(() -> {
            throw new AssertionError("asked whether stopping, so it waited");
        });
    }

    @Test
    void downUntilTheDatabaseAnswersAgain() {
        DatabaseAvailability availability = on(answering());
        availability.failed(new DataAccessResourceFailureException("gone"));
        assertThat(availability.down()).isTrue();

        availability.awaitAvailable(() -> false);
        assertThat(availability.down()).isFalse();
    }

    /**
     * Known down after a partner's post or an SLA check, with no national message coming: the watch thread sees the
     * database back by itself, so that the partner endpoint stops answering 503.
     */
    @Test
    void theWatchSeesTheDatabaseBackWithoutAnyMessage() throws Exception {
        DatabaseAvailability availability = on(answering());
        RepeatingTask watch = availability.watch();
        watch.start();
        try {
            assertThat(watch.isRunning()).isTrue();
            availability.failed(new DataAccessResourceFailureException("gone"));
            assertThat(availability.down()).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (availability.down() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(availability.down()).as("seen back by the watch").isFalse();
        } finally {
            watch.stop();
        }
        assertThat(watch.isRunning()).isFalse();
    }

    /** The watch's turn asks nothing while the database answers, and leaves it down while it does not. */
    @Test
    void aRecheckAsksOnlyADatabaseKnownDown() {
        AtomicInteger questions = new AtomicInteger();
        DatabaseAvailability availability = new DatabaseAvailability(
                Databases.watched(answering(), questions::incrementAndGet), Clock.systemUTC());
        availability.recheck();
        assertThat(questions).as("asked while up").hasValue(0);
        assertThat(availability.failed(new DataAccessResourceFailureException("gone"))).isTrue();
        availability.recheck();
        assertThat(questions).hasValue(1);
        assertThat(availability.down()).isFalse();

        JdbcDataSource nowhere = new JdbcDataSource();
        nowhere.setURL("jdbc:h2:tcp://127.0.0.1:1/nowhere");
        DatabaseAvailability away = on(nowhere);
        assertThat(away.failed(new DuplicateKeyException("twice"))).isFalse();
        assertThat(away.failed(new DataAccessResourceFailureException("gone"))).isTrue();
        away.recheck();
        assertThat(away.down()).as("still away").isTrue();
    }

    @Test
    void aGatewayStoppingWhileTheDatabaseIsDownGivesTheMessageBack() {
        JdbcDataSource nowhere = new JdbcDataSource();
        nowhere.setURL("jdbc:h2:tcp://127.0.0.1:1/nowhere");
        DatabaseAvailability availability = on(nowhere);
        availability.failed(new DataAccessResourceFailureException("gone"));

        assertThatThrownBy(() -> availability.awaitAvailable(() -> true))
                .isInstanceOf(Availability.Unavailable.class).hasMessageContaining("stays in its queue");
        assertThat(availability.down()).isTrue();
    }

    @Test
    void whileOneConsumerAsksASlowDatabaseNobodyElseAsksOrWaitsToKnowItIsDown() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger questions = new AtomicInteger();
        DataSource slow = Databases.watched(answering(), () -> {
            questions.incrementAndGet();
            asked.countDown();
            answer.await();
        });
        DatabaseAvailability availability = new DatabaseAvailability(slow, Clock.systemUTC());
        availability.failed(new DataAccessResourceFailureException("gone"));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> consumers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                consumers.add(threads.submit(() -> availability.awaitAvailable(() -> false)));
            }
            assertThat(asked.await(10, TimeUnit.SECONDS)).as("one consumer asks").isTrue();
            // The partner endpoint asks while the question is pending: it must not wait for the answer.
            assertThat(threads.submit(availability::down).get(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(2 * DatabaseAvailability.PROBE_EVERY.toMillis());
            assertThat(questions).as("one question at a time").hasValue(1);

            answer.countDown();
            for (Future<?> consumer : consumers) {
                consumer.get(10, TimeUnit.SECONDS);
            }
            assertThat(availability.down()).isFalse();
        } finally {
            answer.countDown();
            threads.shutdownNow();
        }
    }
}
