package fr.passerelle.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.persistence.EvidenceBundle;
import fr.passerelle.gateway.persistence.JdbcAuditTrail;
import fr.passerelle.gateway.store.JdbcMessageStore;
import fr.passerelle.gateway.store.StorageKey;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.PartyDirectory;

import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.seal.PartnerTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The audit trail, as an auditor checks it. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit trail tools.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public final class AuditCommand {

    /** Recomputes the hash chain. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute the audit hash chain of the configured database (spring.datasource.url)",
                "and check every signed checkpoint against our CA (passerelle.identity.directory/ca.pem).",
                "Exit 0 when intact; else exit 1 naming the first broken record and what is wrong.",
                "Works beside a running gateway on the embedded database."})
    static final class Verify implements Callable<Integer> {

        @Override
        public Integer call() {
            return Cli.guarded(() -> {
                PartnerTrust ourCa = PartnerTrust.of(Pem.readCertificates(
                        ConfigurationFiles.load().identity().directory().resolve("ca.pem")));
                AuditVerifier.Result result = new AuditVerifier(ConfigurationFiles.dataSource(), ourCa).verify();
                if (!result.intact()) {
                    System.err.println("audit trail BROKEN at record " + result.brokenSeq() + ": " + result.problem());
                    System.err.println(result.records() + " records before it are intact");
                    throw new Cli.Failure();
                }
                System.out.println("audit trail intact: " + result.records() + " records");
            });
        }
    }

    /** Writes the evidence bundle of one message. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the evidence about one message into a folder: its copies as sealed, its audit",
                "records up to a signed checkpoint (signing one now if none covers them yet), our certificates,",
                "and VERIFY.txt with the openssl commands that check it all.",
                "Example: audit export --message 992ff21b-371f-4039-94db-124e3e6f7d03 --out /tmp/evidence"})
    static final class Export implements Callable<Integer> {

        @Option(names = "--message", required = true, paramLabel = "ID", description = "The envelope's messageId.")
        String messageId;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
        Path out;

        @Override
        public Integer call() {
            return Cli.guarded(() -> {
                PasserelleProperties properties = ConfigurationFiles.load();
                DataSource dataSource = ConfigurationFiles.dataSource();
                JdbcTemplate jdbc = new JdbcTemplate(dataSource);
                Credential signing = PartyDirectory.credential(properties.identity().directory(), "sign");
                CmsProfile cms = new CmsProfile();
                JdbcAuditTrail trail = new JdbcAuditTrail(jdbc, new DataSourceTransactionManager(dataSource),
                        Clock.systemUTC(), statement -> cms.sign(statement, signing), Integer.MAX_VALUE);
                JdbcMessageStore store = new JdbcMessageStore(jdbc,
                        StorageKey.load(properties.store().keyFile(), false), Clock.systemUTC());
                if (Files.isDirectory(out)) {
                    try (var entries = Files.list(out)) {
                        if (entries.findAny().isPresent()) {
                            throw new IllegalArgumentException(out + " is not empty");
                        }
                    }
                }
                Files.createDirectories(out);
                int records = new EvidenceBundle(jdbc, store, trail).write(messageId, out,
                        properties.identity().directory());
                System.out.println("evidence about " + messageId + " (" + records + " audit records) written to "
                        + out + "; see " + out.resolve("VERIFY.txt"));
            });
        }
    }
}
