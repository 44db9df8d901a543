package fr.passerelle.gateway.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The throw-away PostgreSQL schema of one {@code bench --database-url} run, so that a bench never writes into a
 * gateway's own tables. The run holds a session lock named after its schema for as long as it lasts; one killed
 * with {@code kill -9} cannot drop its schema, but its lock goes with its connection, so the next run finds the
 * schema unlocked and drops it ({@link #create}). The lock lives as long as its connection: the URL must reach
 * PostgreSQL itself, not a pool that hands sessions out per transaction, nor a server that closes idle sessions
 * within a bench's length.
 */
public final class BenchSchema implements AutoCloseable {

    static final String PREFIX = "passerelle_bench_";

    private final String url;
    private final String schema;
    private final Connection connection;
    private final List<String> swept;
    private final Map<String, String> notSwept;

    private BenchSchema(String url, String schema, Connection connection, List<String> swept,
            Map<String, String> notSwept) {
        this.url = url;
        this.schema = schema;
        this.connection = connection;
        this.swept = swept;
        this.notSwept = notSwept;
    }

    /**
     * Checks the URL, drops the schemas of runs that ended without dropping theirs, and creates a new schema, locked
     * by this run.
     *
     * @throws IllegalArgumentException when the URL is not one the bench can use, naming {@code --database-url}
     */
    public static BenchSchema create(String url, String user, String password) throws SQLException {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--database-url must be a PostgreSQL JDBC URL"
                    + " (jdbc:postgresql://host:port/database); the embedded H2 is the default without it");
        }
        if (lower.contains("password=")) {
            throw new IllegalArgumentException("--database-url must not hold a password: give it in the"
                    + " environment variable PASSERELLE_BENCH_DATABASE_PASSWORD");
        }
        if (lower.contains("currentschema=")) {
            throw new IllegalArgumentException("--database-url must not choose a schema: the bench creates one of"
                    + " its own (" + PREFIX + "...) and drops it at the end");
        }
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            throw new SQLException("cannot open the --database-url database as " + user + ": " + e.getMessage(), e);
        }
        try {
            List<String> swept = new ArrayList<>();
            Map<String, String> notSwept = new TreeMap<>();
            sweep(connection, swept, notSwept);
            String schema = PREFIX + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            // Locked before it exists: another run's sweep never sees it unlocked.
            if (!tryLock(connection, schema)) {
                throw new SQLException("the lock of a new schema " + schema + " is held by another session");
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("create schema " + schema);
            }
            return new BenchSchema(url, schema, connection, swept, notSwept);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The URL the gateway uses: the one given, in this run's schema. */
    public String url() {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public String schema() {
        return schema;
    }

    /** The schemas of earlier runs, killed before they could drop theirs, that {@link #create} dropped. */
    public List<String> swept() {
        return swept;
    }

    /** Such schemas this run's account could not drop (another account's), and why: left for their owner. */
    public Map<String, String> notSwept() {
        return notSwept;
    }

    /** Drops the schema and everything in it, then gives up its lock. */
    @Override
    public void close() throws SQLException {
        try {
            drop(connection, schema);
        } finally {
            connection.close();
        }
    }

    private static void sweep(Connection connection, List<String> dropped, Map<String, String> refused)
            throws SQLException {
        List<String> left = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "select nspname from pg_namespace where nspname like ? order by nspname")) {
            query.setString(1, PREFIX.replace("_", "\\_") + "%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    left.add(rows.getString(1));
                }
            }
        }
        for (String schema : left) {
            if (!schema.matches(PREFIX + "[0-9a-f]+") || !tryLock(connection, schema)) {
                continue; // not one of ours, or its run is still going
            }
            try {
                drop(connection, schema);
                dropped.add(schema);
            } catch (SQLException e) {
                refused.put(schema, e.getMessage());
            } finally {
                unlock(connection, schema);
            }
        }
    }

    /** Drops a schema of a bench run, everything in it with it; its name is ours (hex digits after the prefix). */
    private static void drop(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        }
    }

    private static boolean tryLock(Connection connection, String schema) throws SQLException {
        return lockCall(connection, "select pg_try_advisory_lock(hashtext(?))", schema);
    }

    private static void unlock(Connection connection, String schema) throws SQLException {
        lockCall(connection, "select pg_advisory_unlock(hashtext(?))", schema);
    }

    private static boolean lockCall(Connection connection, String sql, String schema) throws SQLException {
        try (PreparedStatement call = connection.prepareStatement(sql)) {
            call.setString(1, schema);
            try (ResultSet row = call.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }
}
