package fr.passerelle.gateway.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What a signed checkpoint says: one line of text, signed as a CMS SignedData (content attached) with the
 * gateway's signing key. {@code openssl cms -verify -inform DER -CAfile ca.pem} prints it, so that anyone with
 * the gateway's certificate can compare the hash with the trail.
 */
public final class AuditCheckpoints {

    private AuditCheckpoints() {
    }

    /** The signed statement for record {@code seq} whose hash is {@code hash}. */
    public static byte[] statement(long seq, String hash, Instant signedAt) {
        return ("passerelle-audit-checkpoint v1 seq=" + seq + " hash=" + hash + " signed-at=" + signedAt + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
