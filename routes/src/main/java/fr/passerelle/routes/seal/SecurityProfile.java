package fr.passerelle.routes.seal;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A way of sealing messages for a partner: sign with our key, then encrypt for the partner. Opening decrypts
 * with whichever of our keys the message was encrypted for, then verifies the signature against the partner's
 * trust. Every failure is a {@link fr.passerelle.routes.GatewayException} with its reason code.
 */
public interface SecurityProfile {

    /** The profile's name in configuration and on the command line: {@code cms} or {@code xml}. */
    String name();

    /** Signs {@code plaintext} as {@code signer}, then encrypts the result for {@code recipient}. */
    byte[] seal(byte[] plaintext, Credential signer, X509Certificate recipient);

    /** Decrypts with one of our keys, then verifies the signature against the sender's trust. */
    Opened open(byte[] sealed, List<Credential> decryption, PartnerTrust senderTrust);
}
