package fr.passerelle.gateway.partner;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import fr.passerelle.gateway.config.InvalidConfigurationException;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.pki.Pem;
import fr.passerelle.pki.PkiException;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.channel.ChannelTls;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartyDirectory;

/**
 * The TLS of the partner endpoint, as the SSL bundle {@value #BUNDLE} that {@code server.ssl.bundle} names: our
 * TLS key and certificate, the partners' CAs as the only trusted issuers of client certificates, TLS 1.3 and 1.2
 * with forward-secret AEAD suites only.
 */
@Configuration(proxyBeanMethods = false)
class PartnerTlsConfiguration {

    static final String BUNDLE = "partner-endpoint";

    static final String[] PROTOCOLS = ChannelTls.PROTOCOLS.toArray(String[]::new);
    static final String[] CIPHERS = ChannelTls.CIPHER_SUITES.toArray(String[]::new);

    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    @Bean
    SslBundleRegistrar partnerEndpointBundle(PasserelleProperties properties, Parties parties) {
        return registry -> registry.registerBundle(BUNDLE, bundle(properties, parties));
    }

    private static SslBundle bundle(PasserelleProperties properties, Parties parties) {
        try {
            Credential tls;
            List<X509Certificate> ourChain;
            try {
                tls = PartyDirectory.credential(properties.identity().directory(), "tls");
                ourChain = Pem.readCertificates(PartyDirectory.required(properties.identity().directory(), "ca.pem"));
            } catch (PkiException e) {
                throw new InvalidConfigurationException("passerelle.identity.directory", e.getMessage());
            }
            KeyStore keyStore = ChannelTls.keyStore(tls, ourChain, IN_MEMORY_PASSWORD);

            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            for (Partner partner : parties.partners().values()) {
                for (int i = 0; i < partner.trustAnchors().size(); i++) {
                    trustStore.setCertificateEntry(partner.id() + "-ca-" + i, partner.trustAnchors().get(i));
                }
            }
            return SslBundle.of(SslStoreBundle.of(keyStore, new String(IN_MEMORY_PASSWORD), trustStore),
                    SslBundleKey.of(new String(IN_MEMORY_PASSWORD), "tls"), SslOptions.of(CIPHERS, PROTOCOLS));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the partner endpoint TLS configuration", e);
        }
    }
}
