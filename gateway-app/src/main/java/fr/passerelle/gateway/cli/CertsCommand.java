package fr.passerelle.gateway.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import fr.passerelle.pki.SamplePkiGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Certificate tooling. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Certificate tooling.",
        subcommands = CertsCommand.Generate.class)
public final class CertsCommand {

    /** Generates a sample PKI: test keys only. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generate a SAMPLE PKI: for each party a CA and separate signing, encryption and TLS "
                    + "certificates with unencrypted PKCS#8 keys. For tests and demonstrations only.",
                "Example: certs generate --out /tmp/pki"})
    static final class Generate implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
        Path out;

        @Option(names = "--parties", split = ",", paramLabel = "ID",
                description = "Parties to generate (default: fr,europol,spain,morocco,caribbean,benelux,amon).")
        List<String> parties = SamplePkiGenerator.PARTIES;

        @Option(names = "--force", description = "Replace keys already in the output folder.")
        boolean force;

        @Override
        public Integer call() {
            return Cli.guarded(() -> new SamplePkiGenerator(System.out::println).generate(out, parties, force));
        }
    }
}
