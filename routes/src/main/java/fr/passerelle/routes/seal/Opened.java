package fr.passerelle.routes.seal;

import java.security.cert.X509Certificate;

/** What an opened message holds: the plaintext and the certificate of whoever signed it. */
public record Opened(byte[] content, X509Certificate signer) {
}
