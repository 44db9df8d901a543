package fr.passerelle.gateway.console.audit;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.seal.PartnerTrust;

/**
 * The audit chain's state for the console: a full verification on demand, as {@code audit verify} does it (the
 * configured database, checkpoints checked against our own CA), and the last signed checkpoint.
 */
@Component
class AuditVerification {

    /** The last signed checkpoint: the record it covers and when it was signed. */
    record Checkpoint(long seq, Instant signedAt) {
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final PasserelleProperties properties;

    AuditVerification(DataSource dataSource, JdbcTemplate jdbc, PasserelleProperties properties) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** Recomputes the whole chain now; reads every record, so it takes a while on a long trail. */
    AuditVerifier.Result verify() throws SQLException {
        // Checkpoints are checked as a third party would: against our CA alone.
        PartnerTrust ourCa = PartnerTrust.of(Pem.readCertificates(properties.identity().directory()
                .resolve("ca.pem")));
        return new AuditVerifier(dataSource, ourCa).verify();
    }

    Optional<Checkpoint> lastCheckpoint() {
        return jdbc.query("select seq, signed_at from audit_checkpoint order by seq desc fetch first 1 rows only",
                (row, n) -> new Checkpoint(row.getLong("seq"), row.getTimestamp("signed_at").toInstant()))
                .stream().findFirst();
    }
}
