package fr.passerelle.gateway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What the gateway would send to a partner: signed by us, encrypted for the partner. */
@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {"Sign a file with our signing key and encrypt it for a partner, exactly as the gateway does.",
            "Example: seal --partner spain --in schemas/samples/intel-report-to-spain.xml --out sealed.der"})
public final class SealCommand implements Callable<Integer> {

    @Option(names = "--partner", required = true, paramLabel = "P", description = "The partner id, e.g. spain.")
    String partner;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The plaintext to seal.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the sealed bytes.")
    Path out;

    @Mixin
    PkiOptions pki;

    @Override
    public Integer call() throws Exception {
        return Cli.guarded(() -> {
            LocalIdentity identity = pki.identity();
            Partner target = pki.partner(partner);
            byte[] sealed = pki.profiles().get(target.profile())
                    .seal(Files.readAllBytes(in), identity.signing(), target.currentEncryption());
            Files.write(out, sealed);
            System.out.println("sealed " + in + " for " + partner + " (" + target.profile() + "): " + out + ", "
                    + sealed.length + " bytes");
        });
    }
}
