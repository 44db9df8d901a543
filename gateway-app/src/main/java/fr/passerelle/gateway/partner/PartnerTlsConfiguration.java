package fr.passerelle.gateway.partner;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import fr.passerelle.gateway.config.OurTls;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.channel.ChannelTls;
import fr.passerelle.routes.seal.Partner;

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
    SslBundleRegistrar partnerEndpointBundle(OurTls ours, Parties parties) {
        return registry -> registry.registerBundle(BUNDLE, bundle(ours, parties));
    }

    private static SslBundle bundle(OurTls ours, Parties parties) {
        try {
            KeyStore keyStore = ChannelTls.keyStore(ours.credential(), ours.chain(), IN_MEMORY_PASSWORD);

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
