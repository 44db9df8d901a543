package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import fr.passerelle.gateway.PasserelleMain;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.gateway.store.StorageKey;
import fr.passerelle.routes.OpenSsl;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.Tools;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.CmsProfile;

/** {@code audit verify} on the configured database: exit 0 when intact, 1 naming the first broken record. */
class AuditCommandTest {

    @TempDir
    Path data;

    @RegisterExtension
    final CapturedStandardError err = new CapturedStandardError();
    private String url;

    @BeforeEach
    void database() {
        url = "jdbc:h2:file:" + data.resolve("audit") + ";AUTO_SERVER=TRUE";
        System.setProperty("spring.datasource.url", url);
        System.setProperty("spring.datasource.username", "passerelle");
        System.setProperty("passerelle.store.key-file", data.resolve("store.key").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("spring.datasource.url");
        System.clearProperty("spring.datasource.username");
        System.clearProperty("passerelle.store.key-file");
    }

    @Test
    void verifiesThenNamesTheAlteredRecord() {
        DataSource dataSource = new DriverManagerDataSource(url, "passerelle", "");
        migrate(dataSource);
        JdbcAuditTrail trail = trail(dataSource, 3);
        for (int i = 0; i < 10; i++) {
            trail.record("msg-" + i, AuditEvent.OUTBOUND_QUEUED, "gateway", "spain", "partner.spain.out");
        }

        assertThat(PasserelleMain.commandLine().execute("audit", "verify")).isZero();

        new JdbcTemplate(dataSource).update("update audit_record set partner = 'morocco' where seq = 4");
        assertThat(PasserelleMain.commandLine().execute("audit", "verify")).isEqualTo(1);
        assertThat(err.text()).contains("BROKEN at record 4").contains("changed");
    }

    /**
     * audit export writes a bundle that checks with openssl and bash alone: the checkpoint verifies against our
     * CA, the records chain up to its hash, the sealed copy hashes to what the records say.
     */
    @Test
    void exportsEvidenceThatChecksWithOpensslAlone() throws Exception {
        Tools.assumePresent("bash");
        OpenSsl.assumePresent();
        DataSource dataSource = new DriverManagerDataSource(url, "passerelle", "");
        migrate(dataSource);
        JdbcAuditTrail trail = trail(dataSource, 4);
        CmsProfile cms = new CmsProfile();
        byte[] sealed = cms.seal("<Envelope>FICTIONAL</Envelope>".getBytes(StandardCharsets.UTF_8),
                TestPki.credential("fr", "sign"), TestPki.partner("spain").currentEncryption());
        String digest = Receipts.sha256Hex(sealed);
        trail.record("other", AuditEvent.OUTBOUND_RECEIVED, "douane", null, "before");
        trail.record("m-42", AuditEvent.OUTBOUND_RECEIVED, "ofast", null, "from national.ofast.out");
        trail.record("other", AuditEvent.OUTBOUND_RECEIVED, "douane", null, "between");
        trail.record("m-42", AuditEvent.OUTBOUND_SEALED, "gateway", "spain", "cms profile, sha256 " + digest);
        trail.record("m-42", AuditEvent.OUTBOUND_QUEUED, "gateway", "spain", "partner.spain.out");
        new JdbcMessageStore(new JdbcTemplate(dataSource), StorageKey.load(data.resolve("store.key"), true),
                Clock.systemUTC()).store(MessageStore.Direction.OUTBOUND, "m-42", "spain", MessageStore.Summary.ofType("INTEL_REPORT"),
                        sealed,
                        "<Envelope>FICTIONAL</Envelope>".getBytes(StandardCharsets.UTF_8), null, null);
        Path out = data.resolve("evidence");

        assertThat(PasserelleMain.commandLine().execute("audit", "export", "--message", "m-42", "--out",
                out.toString())).isZero();

        String statement = OpenSsl.run(out, "cms", "-verify", "-inform", "DER", "-in", "checkpoint.der",
                "-CAfile", "ca.pem");
        String signedHash = statement.replaceAll("(?s).*hash=([0-9a-f]{64}).*", "$1");
        String recomputed = Tools.run(out, "bash", "-c", "h=$(cat start-hash.txt); for f in records/*.canonical; do "
                + "h=$( { printf %s \"$h\"; cat \"$f\"; } | openssl dgst -sha256 -r | cut -c1-64 ); done; echo $h")
                .strip();
        assertThat(recomputed).isEqualTo(signedHash);
        assertThat(Tools.run(out, "openssl", "dgst", "-sha256", "-r", "message-outbound-spain.sealed"))
                .startsWith(digest);
        assertThat(Files.readString(out.resolve("records-of-the-message.txt"))).contains("OUTBOUND_SEALED")
                .doesNotContain("between");
        assertThat(out.resolve("VERIFY.txt")).content().contains("openssl cms -verify");
    }

    /** The gateway's audit trail on this database, signing a checkpoint every {@code every} records. */
    private static JdbcAuditTrail trail(DataSource dataSource, int every) {
        CmsProfile cms = new CmsProfile();
        return new JdbcAuditTrail(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                Clock.systemUTC(), statement -> cms.sign(statement, TestPki.credential("fr", "sign")), every);
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .load().migrate();
    }
}
