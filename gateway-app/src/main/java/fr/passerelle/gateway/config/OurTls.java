package fr.passerelle.gateway.config;

import java.security.cert.X509Certificate;
import java.util.List;

import fr.passerelle.routes.seal.Credential;

/**
 * Our TLS key and certificate, and the certificates up to our CA: what the partner endpoint presents and what we
 * present to partners' servers. Read once at start from {@code passerelle.identity.directory}.
 *
 * @param credential {@code tls.key} and {@code tls.pem}
 * @param chain {@code ca.pem}
 */
public record OurTls(Credential credential, List<X509Certificate> chain) {

    public OurTls {
        chain = List.copyOf(chain);
    }
}
