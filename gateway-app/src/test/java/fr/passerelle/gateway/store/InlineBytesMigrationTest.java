package fr.passerelle.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An H2 store written before V13, when stored copies were BLOBs: migrated, every copy reads back byte for byte from
 * the binary strings that replace them, the largest message the gateway accepts included, and the columns stay
 * required where they were.
 */
class InlineBytesMigrationTest {

    private static final int LARGEST = 10 * 1024 * 1024 + 4096;

    @Test
    void copiesStoredAsBlobsReadBackTheSameOnceMigrated() {
        DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        flyway(dataSource, "12").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(columnType(jdbc, "SEALED")).isEqualTo("BINARY LARGE OBJECT");
        byte[] small = random(4096);
        byte[] large = random(LARGEST);
        byte[] receipt = random(900);
        insert(jdbc, "m-small", small, large, receipt);
        insert(jdbc, "m-large", large, small, null);

        flyway(dataSource, "latest").migrate();

        assertThat(columnType(jdbc, "SEALED")).isEqualTo("BINARY VARYING");
        assertThat(columnType(jdbc, "PLAINTEXT_SEALED")).isEqualTo("BINARY VARYING");
        assertThat(columnType(jdbc, "RECEIPT")).isEqualTo("BINARY VARYING");
        assertThat(jdbc.queryForObject("select is_nullable from information_schema.columns where table_name ="
                + " 'MESSAGE_STORE' and column_name = 'SEALED'", String.class)).isEqualTo("NO");
        assertThat(bytes(jdbc, "sealed", "m-small")).isEqualTo(small);
        assertThat(bytes(jdbc, "plaintext_sealed", "m-small")).isEqualTo(large);
        assertThat(bytes(jdbc, "receipt", "m-small")).isEqualTo(receipt);
        assertThat(bytes(jdbc, "sealed", "m-large")).isEqualTo(large);
        assertThat(bytes(jdbc, "receipt", "m-large")).isNull();
    }

    private static Flyway flyway(DataSource dataSource, String target) {
        return Flyway.configure().dataSource(dataSource).target(target)
                .locations("classpath:db/migration", "classpath:db/vendor/h2").load();
    }

    private static void insert(JdbcTemplate jdbc, String messageId, byte[] sealed, byte[] plaintext, byte[] receipt) {
        jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                + " plaintext_sealed, receipt) values (?, 'OUTBOUND', 'spain', 'ALERT', ?, ?, ?, ?)", messageId,
                Timestamp.from(Instant.now()), sealed, plaintext, receipt);
    }

    private static byte[] bytes(JdbcTemplate jdbc, String column, String messageId) {
        return jdbc.query("select " + column + " from message_store where message_id = ?",
                (row, n) -> row.getBytes(1), messageId).get(0);
    }

    private static String columnType(JdbcTemplate jdbc, String column) {
        return jdbc.queryForObject("select data_type from information_schema.columns where table_name ="
                + " 'MESSAGE_STORE' and column_name = ?", String.class, column);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
