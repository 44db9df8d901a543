package fr.passerelle.routes.channel;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import fr.passerelle.pki.Pem;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.channel.TestPartnerServer.Answer;
import fr.passerelle.routes.channel.TestPartnerServer.Received;
import fr.passerelle.routes.channel.TestPartnerServer.Responder;
import fr.passerelle.routes.channel.TestPartnerServer.Stall;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Partner;

/** fr pushes sealed messages to spain's HTTPS endpoint over mutual TLS; expects spain's verified receipt back. */
class HttpsPushChannelTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final CmsProfile cms = new CmsProfile();
    private final Partner spain = TestPki.partner("spain");
    private final Receipts spainReceipts = new Receipts(cms, TestPki.identity("spain").signing(), "spain");
    private final List<TestPartnerServer> servers = new ArrayList<>();
    private final AtomicReference<byte[]> sentReceipt = new AtomicReference<>();

    @AfterEach
    void stopServers() {
        servers.forEach(TestPartnerServer::close);
    }

    @Test
    void deliversAndReturnsSpainsVerifiedReceipt() throws Exception {
        TestPartnerServer server = spain(receiptFrom(spainReceipts));
        Outgoing message = message("cms");

        Delivery delivery = channel(server.url()).deliver(message);

        assertThat(delivery.receipt()).isEqualTo(sentReceipt.get());
        assertThat(delivery.detail()).isEqualTo("https-push " + server.url() + " answered 202");
        assertThat(server.received()).singleElement().satisfies(received -> {
            assertThat(received.body()).isEqualTo(message.sealed());
            assertThat(received.messageId()).isEqualTo(message.messageId());
            assertThat(received.client()).isEqualTo(TestPki.credential("fr", "tls").certificate());
        });
    }

    @ParameterizedTest
    @CsvSource({"cms, application/pkcs7-mime", "xml, application/xml", "pq-hybrid, application/octet-stream"})
    void labelsTheBodyByProfile(String profile, String contentType) throws Exception {
        TestPartnerServer server = spain(receiptFrom(spainReceipts));

        channel(server.url()).deliver(message(profile));

        assertThat(server.received()).singleElement().extracting(Received::contentType).isEqualTo(contentType);
    }

    /** Busy or failing server: the message is tried again later. */
    @ParameterizedTest
    @ValueSource(ints = {503, 500, 429, 408})
    void retriesLaterWhenTheServerIsBusyOrFailing(int status) throws Exception {
        TestPartnerServer server = spain(received -> Answer.of(status, "try later".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> channel(server.url()).deliver(message("cms")))
                .isInstanceOf(ChannelException.class).hasMessageContaining("answered " + status);
    }

    @Test
    void retriesLaterWhenTheServerIsDown() throws Exception {
        assertThatThrownBy(() -> channel(nowhere()).deliver(message("cms")))
                .isInstanceOf(ChannelException.class).hasMessageContaining("cannot be reached");
    }

    /** A server that takes the message and then never answers must not hold the dispatcher. */
    @Test
    void givesUpOnAServerThatNeverAnswers() throws Exception {
        TestPartnerServer server = spain(stallingAfterTheFirst(Stall.BEFORE_ANSWER));
        channel(server.url()).deliver(message("cms"));
        HttpsPushChannel channel = channel(server.url(), Duration.ofSeconds(1));

        assertThatThrownBy(() -> channel.deliver(message("cms"))).isInstanceOf(ChannelException.class);
        assertThat(server.received()).hasSize(2);
    }

    /** A server that stalls halfway through its answer: the timeout covers the whole answer, not only its start. */
    @Test
    void givesUpOnAServerThatStallsMidAnswer() throws Exception {
        TestPartnerServer server = spain(stallingAfterTheFirst(Stall.MID_BODY));
        channel(server.url()).deliver(message("cms"));
        HttpsPushChannel channel = channel(server.url(), Duration.ofSeconds(1));

        assertThatThrownBy(() -> channel.deliver(message("cms")))
                .isInstanceOf(ChannelException.class).hasMessageContaining("no complete answer within PT1S");
        assertThat(server.received()).hasSize(2);
    }

    /** Impersonation: a server with a certificate from another partner's CA gets nothing. */
    @Test
    void refusesAServerCertificateFromAnotherCa() throws Exception {
        TestPartnerServer server = track(TestPartnerServer.presenting(TestPki.credential("morocco", "tls"),
                "morocco", receiptFrom(spainReceipts)));

        assertThatThrownBy(() -> channel(server.url()).deliver(message("cms")))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("server certificate").hasMessageContaining("not trusted")
                .hasMessageContaining("CERT_UNKNOWN_CA");
        assertThat(server.received()).isEmpty();
    }

    /** A certificate of spain's CA for another host: the host we dialled must be named in it. */
    @Test
    void refusesAServerCertificateForAnotherHost() throws Exception {
        TestPartnerServer server = track(TestPartnerServer.presenting(
                TestPartnerServer.tlsServerNamed("spain", "other-host.spain.invalid"), "spain",
                receiptFrom(spainReceipts)));

        assertThatThrownBy(() -> channel(server.url()).deliver(message("cms")))
                .isInstanceOf(ChannelException.class)
                .hasMessageContaining("server certificate").hasMessageContaining("not trusted");
        assertThat(server.received()).isEmpty();
    }

    /** A probe is a HEAD request over the same mutual TLS: an endpoint that takes only POST (405) is reachable. */
    @Test
    void aProbeAsksWithoutSendingAMessage() throws Exception {
        TestPartnerServer server = spain(receiptFrom(spainReceipts));

        assertThat(channel(server.url()).probe()).isEqualTo("https-push " + server.url() + " answered 405 to a probe");
        assertThat(server.probes()).isEqualTo(1);
        assertThat(server.received()).isEmpty();
    }

    /** A busy or failing server fails a probe as it fails a delivery; any other answer is the partner's server's. */
    @ParameterizedTest
    @CsvSource({"503, false", "500, false", "429, false", "408, false", "404, true", "200, true"})
    void aProbeFailsOnABusyOrFailingServer(int status, boolean reachable) throws Exception {
        TestPartnerServer server = spain(receiptFrom(spainReceipts));
        server.answerProbesWith(status);

        if (reachable) {
            assertThat(channel(server.url()).probe()).endsWith("answered " + status + " to a probe");
        } else {
            assertThatThrownBy(() -> channel(server.url()).probe()).isInstanceOf(ChannelException.class)
                    .hasMessage("https-push " + server.url() + " answered " + status + " to a probe");
        }
    }

    /** A gateway that refuses our certificate says why: the probe fails, as every message would be refused. */
    @Test
    void aProbeFailsWhenTheGatewayRefusesUs() throws Exception {
        TestPartnerServer server = spain(receiptFrom(spainReceipts));
        server.answerProbesWith(403, "CERT_REVOKED");

        assertThatThrownBy(() -> channel(server.url()).probe()).isInstanceOf(ChannelException.class)
                .hasMessage("https-push " + server.url() + " answered 403 CERT_REVOKED to a probe");
    }

    /** A probe checks the server's certificate as a delivery does, and a server that is down fails it. */
    @Test
    void aProbeFailsOnAnotherCasServerOrNone() throws Exception {
        TestPartnerServer impostor = track(TestPartnerServer.presenting(TestPki.credential("morocco", "tls"),
                "morocco", receiptFrom(spainReceipts)));
        assertThatThrownBy(() -> channel(impostor.url()).probe()).isInstanceOf(ChannelException.class)
                .hasMessageContaining("server certificate").hasMessageContaining("not trusted");
        assertThat(impostor.probes()).isZero();

        assertThatThrownBy(() -> channel(nowhere()).probe()).isInstanceOf(ChannelException.class)
                .hasMessageContaining("cannot be reached");
    }

    /** Spain refuses the message itself, as our own partner endpoint would: retrying would not help. */
    @Test
    void reportsARefusalOfTheMessage() throws Exception {
        TestPartnerServer server = spain(received -> Answer.of(400, ("{\"reasonCode\":\"SCHEMA_INVALID\","
                + "\"reason\":\"The envelope does not conform\",\"detail\":\"element x\"}")
                .getBytes(StandardCharsets.UTF_8)));

        assertRefused(() -> channel(server.url()).deliver(message("cms")), ReasonCode.DELIVERY_FAILED)
                .hasMessageStartingWith("partner answered 400 SCHEMA_INVALID: ");
    }

    /** Another message already went under this id: retrying would get the same answer. */
    @Test
    void reportsADuplicateAsARefusal() throws Exception {
        TestPartnerServer server = spain(received -> Answer.of(409,
                "{\"reasonCode\":\"DUPLICATE_MESSAGE\"}".getBytes(StandardCharsets.UTF_8)));

        assertRefused(() -> channel(server.url()).deliver(message("cms")), ReasonCode.DELIVERY_FAILED)
                .hasMessageStartingWith("partner answered 409 DUPLICATE_MESSAGE");
    }

    @Test
    void boundsWhatARefusalReportsOfTheBody() throws Exception {
        String longBody = "x".repeat(10_000) + "\r\nInjected: header";
        TestPartnerServer server = spain(received -> Answer.of(403, longBody.getBytes(StandardCharsets.UTF_8)));

        assertRefused(() -> channel(server.url()).deliver(message("cms")), ReasonCode.DELIVERY_FAILED)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("\n"));
    }

    /** A receipt in spain's name signed by morocco proves nothing. */
    @Test
    void refusesAReceiptSignedByAnotherParty() throws Exception {
        TestPartnerServer server = spain(receiptFrom(
                new Receipts(cms, TestPki.identity("morocco").signing(), "spain")));

        assertRefused(() -> channel(server.url()).deliver(message("cms")), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("CERT_UNKNOWN_CA");
    }

    @Test
    void refusesASuccessWithoutReceipt() throws Exception {
        TestPartnerServer server = spain(received -> Answer.of(202, new byte[0]));

        assertRefused(() -> channel(server.url()).deliver(message("cms")), ReasonCode.RECEIPT_INVALID)
                .hasMessage("no receipt");
    }

    /** A partner cannot make us buffer an answer of any size. */
    @Test
    void refusesAnOversizedAnswer() throws Exception {
        TestPartnerServer server = spain(received -> Answer.of(200, new byte[HttpsPushChannel.MAX_ANSWER_BYTES + 1]));

        assertRefused(() -> channel(server.url()).deliver(message("cms")), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("exceeds");
    }

    @Test
    void keepsTheInterruptAndGivesUp() throws Exception {
        TestPartnerServer server = spain(receiptFrom(spainReceipts));
        HttpsPushChannel channel = channel(server.url());

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> channel.deliver(message("cms")))
                    .isInstanceOf(ChannelException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void describesItselfByUrl() {
        URI url = URI.create("https://partner.example:8443/partner/v1/messages");

        assertThat(channel(url).describe()).isEqualTo("https-push " + url);
    }

    @Test
    void settingsRefuseWhatIsNotPlainHttpsWithAPositiveTimeout() {
        assertThatThrownBy(() -> new HttpsPushChannel.Settings(URI.create("http://partner.example/in"), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> new HttpsPushChannel.Settings(URI.create("https:///in"), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host");
        assertThatThrownBy(() -> new HttpsPushChannel.Settings(URI.create("https://fr:secret@partner.example/in"),
                TIMEOUT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> new HttpsPushChannel.Settings(URI.create("https://partner.example/in"),
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    private TestPartnerServer spain(Responder responder) throws Exception {
        return track(TestPartnerServer.spain(responder));
    }

    private TestPartnerServer track(TestPartnerServer server) {
        servers.add(server);
        return server;
    }

    /** Answers 202 with a receipt by {@code receipts} over the bytes received, and remembers it. */
    private Responder receiptFrom(Receipts receipts) {
        return received -> {
            byte[] receipt = receipts.accepted(received.messageId(), "fr", received.body(), Instant.now());
            sentReceipt.set(receipt);
            return Answer.of(202, receipt);
        };
    }

    /**
     * Answers the first message with spain's receipt, then stalls: a first delivery with the ordinary timeout warms
     * the JVM's TLS up, so that the short timeout of the next one measures the server's silence, not a cold start.
     */
    private Responder stallingAfterTheFirst(Stall stall) {
        AtomicInteger calls = new AtomicInteger();
        return received -> {
            byte[] receipt = spainReceipts.accepted(received.messageId(), "fr", received.body(), Instant.now());
            return new Answer(202, receipt, calls.getAndIncrement() == 0 ? Stall.NONE : stall);
        };
    }

    private HttpsPushChannel channel(URI url) {
        return channel(url, TIMEOUT);
    }

    private HttpsPushChannel channel(URI url, Duration timeout) {
        X509Certificate frCa = Pem.readCertificate(TestPki.dir("fr").resolve("ca.pem"));
        return new HttpsPushChannel("spain", spain, new HttpsPushChannel.Settings(url, timeout),
                ChannelTls.clientContext(TestPki.credential("fr", "tls"), List.of(frCa), spain.trust()),
                new ReceiptCheck(cms, "fr"));
    }

    /** The endpoint URL of a port nobody listens on (it was free a moment ago). */
    private static URI nowhere() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return URI.create("https://127.0.0.1:" + socket.getLocalPort() + TestPartnerServer.PATH);
        }
    }

    private static Outgoing message(String profile) {
        byte[] sealed = new byte[4096];
        new SecureRandom().nextBytes(sealed);
        return new Outgoing(UUID.randomUUID().toString(), "spain", profile, sealed, 4);
    }
}
