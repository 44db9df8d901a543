package fr.passerelle.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Opened;
import fr.passerelle.routes.seal.Partner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Opens what a partner sealed for us, with the same checks as the partner endpoint. */
@Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Decrypt a sealed file with our key and verify the partner's signature against its CA.",
            "Exits non-zero with a reason code when anything fails.",
            "Example: open --partner spain --in sealed-by-spain.der --out plain.xml"})
public final class OpenCommand implements Callable<Integer> {

    @Option(names = "--partner", required = true, paramLabel = "P", description = "The partner who signed it.")
    String partner;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The sealed file (DER).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the plaintext.")
    Path out;

    @Mixin
    PkiOptions pki;

    @Override
    public Integer call() throws Exception {
        return Cli.guarded(() -> {
            LocalIdentity identity = pki.identity();
            Partner from = pki.partner(partner);
            Opened opened = pki.profiles().get(from.profile())
                    .open(Files.readAllBytes(in), identity.decryption(), from.trust());
            Files.write(out, opened.content());
            System.out.println("opened " + in + ": signed by " + opened.signer().getSubjectX500Principal().getName()
                    + "; plaintext in " + out);
        });
    }
}
