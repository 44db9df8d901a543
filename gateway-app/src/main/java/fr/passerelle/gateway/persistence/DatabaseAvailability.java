package fr.passerelle.gateway.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

import fr.passerelle.gateway.config.RepeatingTask;
import fr.passerelle.routes.Availability;

/**
 * The database, watched for the message flows: a failure that says it cannot be reached (no connection, a
 * connection lost, SQL state class 08) marks it down; from then on every consumer waits before its next message,
 * holding the one it took, and one of them asks the database every {@link #PROBE_EVERY} until it answers. Its
 * messages keep their delivery attempts for the faults of their own. Any other failure is left to the broker's
 * redelivery, as before.
 *
 * <p>While the gateway runs, a thread of its own ({@code database-watch}) also asks the database every {@link
 * #PROBE_EVERY} while it is known down, so that the gateway sees it back even when no message comes: the partner
 * endpoint, which answers 503 while the database is known down, and the gauge do not wait for a national message.
 * It asks nothing while the database answers.
 */
public final class DatabaseAvailability implements Availability {

    /** How often the database, known down, is asked whether it answers again (by a waiting consumer or the watch). */
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    /** How long the probe waits for the database's answer. */
    private static final int PROBE_TIMEOUT_SECONDS = 2;
    /** How often a wait looks whether the gateway is stopping. */
    private static final long SLICE_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAvailability.class);

    private final DataSource dataSource;
    private final Clock clock;
    /** When the database was found away; null while it answers. Read without a lock by every message and request. */
    private volatile Instant downSince;
    private volatile Instant lastProbe = Instant.MIN;
    /** Taken by the one consumer asking the database, so that the others neither ask too nor wait on its answer. */
    private final AtomicBoolean probing = new AtomicBoolean();

    public DatabaseAvailability(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public boolean failed(Throwable failure) {
        if (!unreachable(failure)) {
            return false;
        }
        synchronized (this) {
            if (downSince == null) {
                downSince = clock.instant();
                LOG.warn("The database cannot be reached ({}): the consumers wait for it, each holding its message,"
                        + " instead of spending delivery attempts; it is asked again every {} s",
                        NestedExceptionUtils.getMostSpecificCause(failure), PROBE_EVERY.toSeconds());
            }
        }
        return true;
    }

    /**
     * Returns at once while the database answers; otherwise waits until it does, one caller asking it every
     * {@link #PROBE_EVERY} (the question may take as long as the pool waits for a connection) and the others
     * waiting beside it, or until {@code stopping}.
     */
    @Override
    public void awaitAvailable(BooleanSupplier stopping) {
        while (downSince != null) {
            if (stopping.getAsBoolean()) {
                throw new Unavailable("the gateway is stopping while the database cannot be reached; the"
                        + " message stays in its queue");
            }
            if (recheck()) {
                return;
            }
            synchronized (this) {
                if (downSince == null) {
                    return;
                }
                try {
                    wait(SLICE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Unavailable("interrupted while waiting for the database");
                }
            }
        }
    }

    /**
     * While the database is known down, asks it, unless it was asked less than {@link #PROBE_EVERY} ago or is being
     * asked by another thread; true once it answers again. A waiting consumer's turn, and the watch's ({@link
     * #watch}); nothing while the database answers.
     */
    boolean recheck() {
        if (downSince == null || clock.instant().isBefore(lastProbe.plus(PROBE_EVERY))
                || !probing.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (answers()) {
                up();
                return true;
            }
            return false;
        } finally {
            lastProbe = clock.instant();
            probing.set(false);
        }
    }

    /**
     * The thread that asks the database every {@link #PROBE_EVERY} while it is known down, from when the gateway has
     * started until it stops.
     */
    public RepeatingTask watch() {
        return new RepeatingTask("database-watch", PROBE_EVERY, this::recheck);
    }

    private synchronized void up() {
        if (downSince != null) {
            LOG.info("The database answers again, after {}: the consumers go on",
                    Duration.between(downSince, clock.instant()).withNanos(0));
            downSince = null;
            notifyAll();
        }
    }

    /** Whether the database is known to be down now; never waits, even while a consumer asks the database. */
    public boolean down() {
        return downSince != null;
    }

    private boolean answers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(PROBE_TIMEOUT_SECONDS);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether a failure, or one of its causes, says the database cannot be reached. A failed rollback hides the
     * failure that caused it: when the connection was lost mid-statement, the rollback fails too ("Connection is
     * closed", without an SQL state), so the failure it overrode is looked at as well.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof DataAccessResourceFailureException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
            if (cause instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && unreachable(rollback.getApplicationException())) {
                return true;
            }
        }
        return false;
    }
}
