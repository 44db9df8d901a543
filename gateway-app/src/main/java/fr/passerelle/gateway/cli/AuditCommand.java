package fr.passerelle.gateway.cli;

import java.util.concurrent.Callable;

import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.seal.PartnerTrust;
import picocli.CommandLine.Command;

/** The audit trail, as an auditor checks it. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit trail tools.",
        subcommands = AuditCommand.Verify.class)
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
}
