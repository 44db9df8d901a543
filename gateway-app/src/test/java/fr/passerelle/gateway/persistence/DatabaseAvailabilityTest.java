package fr.passerelle.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;

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
}
