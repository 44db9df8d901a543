package fr.passerelle.routes.channel;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.PartnerTrust;

/**
 * TLS towards a partner's server: we present our TLS key and certificate, and we trust the server only if its
 * certificate chains to that partner's own CAs (pinned: no system trust store), is valid now, is not revoked by
 * the partner's CRL and is meant for a TLS server. The host name is checked too, when the client that uses the
 * context sets {@link #parameters()}, or enables host name verification its own way.
 */
public final class ChannelTls {

    /** TLS versions offered to partners. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Cipher suites offered and accepted: forward-secret AEAD suites only. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private ChannelTls() {
    }

    /**
     * A client context for one partner.
     *
     * @param ours our TLS key and certificate
     * @param ourChain the certificates between ours and our CA (usually our CA certificate), sent with ours
     * @param partner the partner's trust: the only issuers its server certificate may come from
     */
    public static SSLContext clientContext(Credential ours, List<X509Certificate> ourChain, PartnerTrust partner) {
        try {
            KeyStore keyStore = keyStore(ours, ourChain, IN_MEMORY_PASSWORD);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), new TrustManager[] {new PartnerServerTrust(partner)}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * An in-memory PKCS#12 store holding our TLS key under the alias {@code tls}, with our certificate and the
     * certificates up to our CA, protected by {@code password}.
     */
    public static KeyStore keyStore(Credential ours, List<X509Certificate> ourChain, char[] password)
            throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        X509Certificate[] chain = new X509Certificate[1 + ourChain.size()];
        chain[0] = ours.certificate();
        for (int i = 0; i < ourChain.size(); i++) {
            chain[i + 1] = ourChain.get(i);
        }
        keyStore.setKeyEntry("tls", ours.key(), password, chain);
        return keyStore;
    }

    /** TLS 1.3 or 1.2 only, the pinned cipher suites, and the server's host name checked against its certificate. */
    public static SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    /**
     * Trusts a server certificate only as the partner's trust allows. It is a plain {@link X509TrustManager} on
     * purpose: JSSE wraps such a manager and adds the host name check that {@link #parameters()} asks for.
     */
    private static final class PartnerServerTrust implements X509TrustManager {

        private final PartnerTrust trust;

        PartnerServerTrust(PartnerTrust trust) {
            this.trust = trust;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server presented no certificate");
            }
            try {
                trust.validate(chain[0], Arrays.asList(chain).subList(1, chain.length), PartnerTrust.Usage.TLS_SERVER);
            } catch (GatewayException e) {
                throw new CertificateException(e.reason().name() + ": " + e.detail());
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this context only connects to partner servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust.anchors().toArray(X509Certificate[]::new);
        }
    }
}
