package fr.passerelle.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

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

    /**
     * A sample envelope under a fresh messageId: a gateway sends a messageId once, so tests that hand the same
     * sample to one gateway more than once need a new id each time.
     */
    public static byte[] sampleWithNewId(String name) {
        try {
            String sample = Files.readString(sample(name));
            String id = sample.substring(sample.indexOf("<messageId>") + 11, sample.indexOf("</messageId>"));
            return sample.replace(id, UUID.randomUUID().toString()).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messageId of an envelope. */
    public static String messageIdOf(byte[] envelope) {
        String text = new String(envelope, StandardCharsets.UTF_8);
        return text.substring(text.indexOf("<messageId>") + 11, text.indexOf("</messageId>"));
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
