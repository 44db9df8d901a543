package fr.passerelle.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.persistence.Databases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Where the audit chain stands against its signed checkpoints, on H2 and PostgreSQL: records not yet signed and
 * the last checkpoint's age, as health shows them and the metrics export them (the alert on checkpoints falling
 * behind reads these).
 */
class AuditChainStateTest {

    private static final Instant SIGNED = Instant.parse("2026-03-02T10:00:00Z");

    @AfterAll
    static void dropSchemas() {
        Databases.dropCreatedSchemas();
    }

    @ParameterizedTest
    @EnumSource(Databases.class)
    void recordsSinceTheLastCheckpointAndItsAge(Databases database) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(database.fresh());
        Clock clock = Clock.fixed(SIGNED.plusSeconds(5400), ZoneOffset.UTC);
        AuditChainState chain = new AuditChainState(jdbc, clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MetricsConfiguration().auditChainMeters(chain).bindTo(registry);

        jdbc.update("update audit_head set last_seq = 40 where id = 1");
        assertThat(chain.snapshot()).isEqualTo(new AuditChainState.Snapshot(40, null, null));
        assertThat(registry.get("passerelle.audit.records.unsigned").gauge().value()).isEqualTo(40);
        assertThat(registry.get("passerelle.audit.checkpoint.age").gauge().value()).isNaN();

        jdbc.update("insert into audit_checkpoint (seq, record_hash, signed_at, signature) values (?, ?, ?, ?)", 25,
                "0".repeat(64), Timestamp.from(SIGNED.minusSeconds(3600)), "old");
        jdbc.update("insert into audit_checkpoint (seq, record_hash, signed_at, signature) values (?, ?, ?, ?)", 30,
                "1".repeat(64), Timestamp.from(SIGNED), "latest");
        assertThat(chain.snapshot()).isEqualTo(new AuditChainState.Snapshot(40, 30L, SIGNED));
        assertThat(registry.get("passerelle.audit.records.unsigned").gauge().value()).isEqualTo(10);
        assertThat(registry.get("passerelle.audit.checkpoint.age").gauge().value()).isEqualTo(5400);
    }
}
