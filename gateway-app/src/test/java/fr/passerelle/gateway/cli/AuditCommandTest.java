package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import fr.passerelle.gateway.PasserelleMain;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.CmsProfile;

/** {@code audit verify} on the configured database: exit 0 when intact, 1 naming the first broken record. */
class AuditCommandTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private String url;

    @BeforeEach
    void database() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        url = "jdbc:h2:file:" + data.resolve("audit") + ";AUTO_SERVER=TRUE";
        System.setProperty("spring.datasource.url", url);
        System.setProperty("spring.datasource.username", "passerelle");
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        System.clearProperty("spring.datasource.url");
        System.clearProperty("spring.datasource.username");
    }

    @Test
    void verifiesThenNamesTheAlteredRecord() {
        DataSource dataSource = new DriverManagerDataSource(url, "passerelle", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .load().migrate();
        CmsProfile cms = new CmsProfile();
        JdbcAuditTrail trail = new JdbcAuditTrail(new JdbcTemplate(dataSource),
                new DataSourceTransactionManager(dataSource), Clock.systemUTC(),
                statement -> cms.sign(statement, TestPki.credential("fr", "sign")), 3);
        for (int i = 0; i < 10; i++) {
            trail.record("msg-" + i, AuditEvent.OUTBOUND_QUEUED, "gateway", "spain", "partner.spain.out");
        }

        assertThat(PasserelleMain.commandLine().execute("audit", "verify")).isZero();

        new JdbcTemplate(dataSource).update("update audit_record set partner = 'morocco' where seq = 4");
        assertThat(PasserelleMain.commandLine().execute("audit", "verify")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("BROKEN at record 4").contains("changed");
    }
}
