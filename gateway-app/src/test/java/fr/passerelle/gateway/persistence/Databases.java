package fr.passerelle.gateway.persistence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The databases the persistence tests run against: embedded H2 always, and the PostgreSQL service of this
 * machine (127.0.0.1:5432, database {@code test}) when it answers. Without it the PostgreSQL tests are skipped
 * and say so, unless {@code PASSERELLE_REQUIRE_POSTGRES} is set (CI sets it), which makes its absence a failure.
 * Each test gets a fresh database (H2) or schema (PostgreSQL), migrated by the gateway's own Flyway scripts.
 */
public enum Databases {
    H2,
    POSTGRESQL;

    public static final String POSTGRES_URL = System.getenv().getOrDefault("PASSERELLE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String POSTGRES_USER = System.getenv().getOrDefault("PASSERELLE_TEST_POSTGRES_USER", "postgres");

    private static final List<String> CREATED_SCHEMAS = new CopyOnWriteArrayList<>();

    /** Drops the PostgreSQL schemas the tests created, so that the shared database does not fill up. */
    public static void dropCreatedSchemas() {
        if (CREATED_SCHEMAS.isEmpty()) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
             Statement statement = connection.createStatement()) {
            for (String schema : CREATED_SCHEMAS) {
                statement.execute("drop schema if exists " + schema + " cascade");
            }
            CREATED_SCHEMAS.clear();
        } catch (SQLException e) {
            System.err.println("could not drop the test schemas " + CREATED_SCHEMAS + ": " + e.getMessage());
        }
    }

    /** What a test does when a connection is asked for: count, block, or throw to play a database away. */
    @FunctionalInterface
    public interface ConnectionAsked {
        void asked() throws Exception;
    }

    /** {@code target}, with {@code action} run each time a connection is asked for, before it is handed out. */
    public static DataSource watched(DataSource target, ConnectionAsked action) {
        return (DataSource) Proxy.newProxyInstance(Databases.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == arguments[0];
                            default -> "watched " + target;
                        };
                    }
                    if (method.getName().equals("getConnection")) {
                        action.asked();
                    }
                    try {
                        return method.invoke(target, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A fresh, migrated database of this kind. */
    public DataSource fresh() {
        return freshAt(null);
    }

    /** A fresh database of this kind migrated up to {@code version} only (all the way when null). */
    public DataSource freshAt(String version) {
        DataSource dataSource = switch (this) {
            case H2 -> new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
            case POSTGRESQL -> freshPostgresSchema();
        };
        migrate(dataSource, version);
        return dataSource;
    }

    /** Migrates a database of this kind up to {@code version} (all the way when null) with the gateway's scripts. */
    public void migrate(DataSource dataSource, String version) {
        var flyway = Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/vendor/" + name().toLowerCase());
        if (version != null) {
            flyway.target(version);
        }
        flyway.load().migrate();
    }

    private static DataSource freshPostgresSchema() {
        return new DriverManagerDataSource(POSTGRES_URL + "?currentSchema=" + newPostgresSchema(), POSTGRES_USER, "");
    }

    /**
     * A new empty schema in the test PostgreSQL, dropped by {@link #dropCreatedSchemas}; aborts the test (skips,
     * loudly) when PostgreSQL does not answer, or fails it when PASSERELLE_REQUIRE_POSTGRES is set.
     */
    public static String newPostgresSchema() {
        String schema = "passerelle_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
            CREATED_SCHEMAS.add(schema);
        } catch (SQLException e) {
            unreachable(e);
        }
        return schema;
    }

    /** Whether the test PostgreSQL has a schema of this name. */
    public static boolean postgresSchemaExists(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
             PreparedStatement query = connection.prepareStatement(
                     "select count(*) from pg_namespace where nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1) == 1;
            }
        }
    }

    /**
     * Goes on when the test PostgreSQL answers; else aborts the test (skips, loudly), or fails it when
     * PASSERELLE_REQUIRE_POSTGRES is set.
     */
    public static void requirePostgres() {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "")) {
            connection.isValid(5);
        } catch (SQLException e) {
            unreachable(e);
        }
    }

    private static void unreachable(SQLException e) {
        boolean required = System.getenv("PASSERELLE_REQUIRE_POSTGRES") != null;
        String message = "PostgreSQL at " + POSTGRES_URL + " does not answer (" + e.getMessage() + ")";
        if (required) {
            throw new AssertionError(message + " and PASSERELLE_REQUIRE_POSTGRES is set", e);
        }
        System.err.println("SKIPPED: " + message + "; the PostgreSQL tests did not run");
        Assumptions.abort(message);
    }
}
