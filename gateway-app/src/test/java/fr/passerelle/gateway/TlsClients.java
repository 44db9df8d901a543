package fr.passerelle.gateway;

import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import fr.passerelle.pki.Pem;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.Credential;

/** HTTPS clients as a partner would build them: its TLS key from the sample PKI, trusting only fr's CA. */
public final class TlsClients {

    private static final char[] PASSWORD = "test".toCharArray();

    private TlsClients() {
    }

    /** A client presenting {@code party}'s TLS certificate. */
    public static HttpClient as(String party) throws Exception {
        return as(party, new String[] {"TLSv1.3", "TLSv1.2"}, null);
    }

    /** A client presenting {@code party}'s TLS certificate, offering only these protocols and cipher suites. */
    public static HttpClient as(String party, String[] protocols, String[] cipherSuites) throws Exception {
        return as(TestPki.credential(party, "tls"), protocols, cipherSuites);
    }

    /** A client presenting this TLS credential. */
    public static HttpClient as(Credential tls) throws Exception {
        return as(tls, new String[] {"TLSv1.3", "TLSv1.2"}, null);
    }

    private static HttpClient as(Credential tls, String[] protocols, String[] cipherSuites) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("tls", tls.key(), PASSWORD, new Certificate[] {tls.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        return client(keyManagers, protocols, cipherSuites);
    }

    /** A client presenting no certificate at all. */
    public static HttpClient anonymous() throws Exception {
        return client(null, new String[] {"TLSv1.3", "TLSv1.2"}, null);
    }

    private static HttpClient client(KeyManagerFactory keyManagers, String[] protocols, String[] cipherSuites)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("fr-ca", Pem.readCertificate(TestPki.dir("fr").resolve("ca.pem")));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(protocols);
        if (cipherSuites != null) {
            parameters.setCipherSuites(cipherSuites);
        }
        return HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
