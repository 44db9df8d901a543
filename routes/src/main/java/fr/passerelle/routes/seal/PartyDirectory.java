package fr.passerelle.routes.seal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import fr.passerelle.pki.Pem;
import fr.passerelle.pki.PkiException;

/**
 * Reads a party's folder in the layout of the sample PKI: {@code ca.pem} (its trust anchors), {@code sign.pem} +
 * {@code sign.key}, {@code enc.pem} + {@code enc.key}, {@code tls.pem} + {@code tls.key}. A partner's folder
 * needs only {@code ca.pem} and {@code enc.pem}, plus {@code crl.pem} when its CA publishes revocations: we never
 * hold a partner's private keys.
 *
 * <p>Key rotation: a partner's {@code enc.pem} may hold several certificates (we encrypt for the first valid
 * one); our own folder may hold retired encryption keys as {@code enc-<anything>.pem} + {@code .key} pairs, still
 * used to decrypt what was encrypted for them.
 */
public final class PartyDirectory {

    private PartyDirectory() {
    }

    /** Our own identity: the current signing key, and every decryption key (current first). */
    public static LocalIdentity identity(String id, Path dir) {
        List<Credential> decryption = new ArrayList<>();
        decryption.add(credential(dir, "enc"));
        for (String retired : retiredEncryptionKeys(dir)) {
            decryption.add(credential(dir, retired));
        }
        return new LocalIdentity(id, credential(dir, "sign"), decryption);
    }

    /** A partner: its CA certificates, its CRLs if any, and its encryption certificate(s). */
    public static Partner partner(String id, Path dir) {
        return partner(id, dir, Clock.systemUTC());
    }

    /** A partner whose certificates are checked at the time {@code clock} tells. */
    public static Partner partner(String id, Path dir, Clock clock) {
        PartnerTrust trust = new PartnerTrust(Pem.readCertificates(required(dir, "ca.pem")), dir.resolve("crl.pem"),
                clock);
        return new Partner(id, trust, Pem.readCertificates(required(dir, "enc.pem")));
    }

    /** A key pair of the folder, such as {@code tls} or {@code sign}. */
    public static Credential credential(Path dir, String name) {
        return new Credential(Pem.readPrivateKey(required(dir, name + ".key")),
                Pem.readCertificate(required(dir, name + ".pem")));
    }

    /** A file of the folder that must exist. */
    public static Path required(Path dir, String file) {
        Path path = dir.resolve(file);
        if (!Files.isReadable(path)) {
            throw new PkiException("missing or unreadable " + path);
        }
        return path;
    }

    private static List<String> retiredEncryptionKeys(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith("enc-") && name.endsWith(".key"))
                    .map(name -> name.substring(0, name.length() - ".key".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PkiException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
