package fr.passerelle.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import fr.passerelle.gateway.persistence.Databases;

/**
 * The schema of {@code bench --database-url} on the test PostgreSQL: created and dropped by its run, the schema of
 * a killed run dropped by the next one, a running one's left alone; and URLs the bench cannot use refused by name.
 */
class BenchSchemaTest {

    private static final String URL = Databases.POSTGRES_URL;
    private static final String USER = Databases.POSTGRES_USER;

    @Test
    void aRunCreatesItsSchemaAndDropsIt() throws Exception {
        Databases.requirePostgres();
        String schema;
        try (BenchSchema bench = BenchSchema.create(URL, USER, "")) {
            schema = bench.schema();
            assertThat(schema).matches(BenchSchema.PREFIX + "[0-9a-f]{16}");
            assertThat(bench.url()).isEqualTo(URL + "?currentSchema=" + schema);
            assertThat(Databases.postgresSchemaExists(schema)).isTrue();
            try (Connection inSchema = DriverManager.getConnection(bench.url(), USER, "");
                 Statement statement = inSchema.createStatement()) {
                statement.execute("create table t (id int)");
            }
        }
        assertThat(Databases.postgresSchemaExists(schema)).isFalse();
    }

    /** A killed run's schema is unlocked: the next run drops it. A running one's is locked: it stays. */
    @Test
    void theNextRunDropsTheSchemaOfAKilledRunOnly() throws Exception {
        Databases.requirePostgres();
        String killed = BenchSchema.PREFIX + hex(16);
        execute("create schema " + killed);
        execute("create table " + killed + ".t (id int)");
        try (BenchSchema running = BenchSchema.create(URL, USER, "");
             BenchSchema next = BenchSchema.create(URL, USER, "")) {
            assertThat(running.swept()).contains(killed);
            assertThat(Databases.postgresSchemaExists(killed)).isFalse();
            assertThat(next.swept()).doesNotContain(running.schema());
            assertThat(Databases.postgresSchemaExists(running.schema())).isTrue();
        }
    }

    /** A killed run's schema that this run's account may not drop (another account's) is left, and said. */
    @Test
    void aSchemaTheAccountMayNotDropIsLeftAndSaid() throws Exception {
        Databases.requirePostgres();
        String other = BenchSchema.PREFIX + hex(16);
        String account = "passerelle_bench_test_" + hex(8);
        String database;
        try (Connection connection = DriverManager.getConnection(URL, USER, "");
             var query = connection.createStatement().executeQuery("select current_database()")) {
            query.next();
            database = query.getString(1);
        }
        execute("create schema " + other);
        execute("create role " + account + " login");
        try {
            execute("grant create on database " + database + " to " + account);
            try (BenchSchema bench = BenchSchema.create(URL, account, "")) {
                assertThat(bench.swept()).doesNotContain(other);
                assertThat(bench.notSwept()).hasEntrySatisfying(other, why -> assertThat(why).contains("owner"));
                assertThat(Databases.postgresSchemaExists(bench.schema())).isTrue();
            }
            assertThat(Databases.postgresSchemaExists(other)).isTrue();
        } finally {
            execute("drop schema if exists " + other + " cascade");
            execute("revoke create on database " + database + " from " + account);
            execute("drop role if exists " + account);
        }
    }

    @Test
    void urlsTheBenchCannotUseAreRefusedByName() {
        assertThatThrownBy(() -> BenchSchema.create("jdbc:h2:mem:x", USER, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url must be a"
                        + " PostgreSQL JDBC URL");
        assertThatThrownBy(() -> BenchSchema.create(URL + "?password=secret", USER, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not hold a password")
                .hasMessageContaining("PASSERELLE_BENCH_DATABASE_PASSWORD").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> BenchSchema.create(URL + "?currentSchema=public", USER, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not choose a schema");
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsNamed() {
        assertThatThrownBy(() -> BenchSchema.create("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", USER,
                "")).isInstanceOf(SQLException.class).hasMessageStartingWith("cannot open the --database-url"
                        + " database as " + USER + ": ");
    }

    private static String hex(int digits) {
        return UUID.randomUUID().toString().replace("-", "").substring(0, digits);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
