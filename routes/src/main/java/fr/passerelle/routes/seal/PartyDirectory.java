package fr.passerelle.routes.seal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import fr.passerelle.pki.Pem;
import fr.passerelle.pki.PkiException;

/**
 * Reads a party's folder in the layout of the sample PKI: {@code ca.pem} (its trust anchors), {@code sign.pem} +
 * {@code sign.key}, {@code enc.pem} + {@code enc.key}, {@code tls.pem} + {@code tls.key}. A partner's folder
 * needs only {@code ca.pem} and {@code enc.pem}: we never hold a partner's private keys.
 */
public final class PartyDirectory {

    private PartyDirectory() {
    }

    /** Our own identity: signing and decryption credentials. */
    public static LocalIdentity identity(String id, Path dir) {
        return new LocalIdentity(id, credential(dir, "sign"), List.of(credential(dir, "enc")));
    }

    /** A partner: its CA certificates and its encryption certificate(s). */
    public static Partner partner(String id, Path dir) {
        return new Partner(id, Pem.readCertificates(required(dir, "ca.pem")),
                Pem.readCertificates(required(dir, "enc.pem")));
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
}
