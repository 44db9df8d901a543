package fr.passerelle.routes.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.Credential;

/**
 * A partner's {@code /partner/v1/messages} endpoint in-process, on an ephemeral port of 127.0.0.1: TLS with a
 * certificate of the sample PKI, a client certificate required and trusted only if it chains to fr's sample CA.
 * It records what it received and answers as the test says.
 */
final class TestPartnerServer implements AutoCloseable {

    static final String PATH = "/partner/v1/messages";

    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    /** What the server got: the body, two headers, and the client certificate the TLS session proved. */
    record Received(byte[] body, String contentType, String messageId, X509Certificate client) {
    }

    /** Where an answer stops until the server is closed, to play a server that hangs. */
    enum Stall { NONE, BEFORE_ANSWER, MID_BODY }

    /** What the server answers; an empty body is sent as no body at all. */
    record Answer(int status, byte[] body, Stall stall) {

        static Answer of(int status, byte[] body) {
            return new Answer(status, body, Stall.NONE);
        }
    }

    interface Responder {
        Answer answer(Received received) throws Exception;
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger probes = new AtomicInteger();
    private volatile int probeStatus = 405;
    private volatile String probeReasonCode;
    private final X509Certificate expectedClient;
    private final Responder responder;

    private TestPartnerServer(SSLContext tls, X509Certificate expectedClient, Responder responder) throws IOException {
        this.expectedClient = expectedClient;
        this.responder = responder;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext(PATH, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Spain's endpoint with spain's sample TLS certificate, expecting fr's TLS client certificate. */
    static TestPartnerServer spain(Responder responder) throws Exception {
        return presenting(TestPki.credential("spain", "tls"), "spain", responder);
    }

    /** An endpoint presenting {@code tls}, issued by {@code issuer}'s sample CA, expecting fr as client. */
    static TestPartnerServer presenting(Credential tls, String issuer, Responder responder) throws Exception {
        X509Certificate issuerCa = Pem.readCertificate(TestPki.dir(issuer).resolve("ca.pem"));
        X509Certificate frCa = Pem.readCertificate(TestPki.dir("fr").resolve("ca.pem"));
        return new TestPartnerServer(serverContext(tls, issuerCa, frCa), TestPki.credential("fr", "tls").certificate(),
                responder);
    }

    /** A TLS server certificate by {@code party}'s sample CA that names only {@code dnsName}. */
    static Credential tlsServerNamed(String party, String dnsName) throws Exception {
        X509Certificate ca = Pem.readCertificate(TestPki.dir(party).resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(TestPki.dir(party).resolve("ca.key"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca,
                new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(86_400)), new X500Name("CN=" + dnsName), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        X509Certificate certificate = new JcaX509CertificateConverter().setProvider(BouncyCastle.provider())
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                        .setProvider(BouncyCastle.provider()).build(caKey)));
        return new Credential(keys.getPrivate(), certificate);
    }

    URI url() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** Probes ({@code HEAD} requests) answered so far. */
    int probes() {
        return probes.get();
    }

    /** What a probe is answered from now on; 405, as an endpoint that takes only POST, until then. */
    void answerProbesWith(int status) {
        answerProbesWith(status, null);
    }

    /** The same, with a {@code PasserelleReasonCode} header when {@code reasonCode} is not null. */
    void answerProbesWith(int status, String reasonCode) {
        probeStatus = status;
        probeReasonCode = reasonCode;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            X509Certificate client = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
                    .getPeerCertificates()[0];
            if ("HEAD".equals(exchange.getRequestMethod())) {
                probes.incrementAndGet();
                String reasonCode = client.equals(expectedClient) ? probeReasonCode : "CLIENT_NOT_PARTNER";
                if (reasonCode != null) {
                    exchange.getResponseHeaders().add(Headers.REASON_CODE, reasonCode);
                }
                exchange.sendResponseHeaders(client.equals(expectedClient) ? probeStatus : 403, -1);
                return;
            }
            Received got = new Received(body, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("PasserelleMessageId"), client);
            received.add(got);
            Answer answer = client.equals(expectedClient) ? responder.answer(got)
                    : Answer.of(403, "{\"reasonCode\":\"CLIENT_NOT_PARTNER\"}".getBytes(StandardCharsets.UTF_8));
            send(exchange, answer);
        } catch (Exception e) {
            if (exchange.getResponseCode() == -1) {
                exchange.sendResponseHeaders(500, -1);
            }
        } finally {
            exchange.close();
        }
    }

    private void send(HttpExchange exchange, Answer answer) throws Exception {
        if (answer.stall() == Stall.BEFORE_ANSWER) {
            closed.await(30, TimeUnit.SECONDS);
        }
        if (answer.body().length == 0) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        OutputStream out = exchange.getResponseBody();
        int half = answer.stall() == Stall.MID_BODY ? answer.body().length / 2 : 0;
        if (half > 0) {
            out.write(answer.body(), 0, half);
            out.flush();
            closed.await(30, TimeUnit.SECONDS);
        }
        out.write(answer.body(), half, answer.body().length - half);
    }

    private static SSLContext serverContext(Credential tls, X509Certificate issuerCa, X509Certificate clientCa)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("tls", tls.key(), IN_MEMORY_PASSWORD, new X509Certificate[] {tls.certificate(), issuerCa});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, IN_MEMORY_PASSWORD);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("client-ca", clientCa);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
