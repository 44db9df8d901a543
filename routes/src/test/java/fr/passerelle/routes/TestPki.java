package fr.passerelle.routes;

import java.nio.file.Path;

import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartyDirectory;

/** The repository's sample PKI and samples, for tests. */
public final class TestPki {

    private TestPki() {
    }

    public static Path root() {
        return Path.of(System.getProperty("passerelle.root", "..")).toAbsolutePath().normalize();
    }

    public static Path dir(String party) {
        return root().resolve("certs-sample").resolve(party);
    }

    public static Path sample(String name) {
        return root().resolve("schemas/samples").resolve(name);
    }

    public static LocalIdentity identity(String party) {
        return PartyDirectory.identity(party, dir(party));
    }

    public static Partner partner(String party) {
        return PartyDirectory.partner(party, dir(party));
    }

    public static Credential credential(String party, String name) {
        return PartyDirectory.credential(dir(party), name);
    }
}
