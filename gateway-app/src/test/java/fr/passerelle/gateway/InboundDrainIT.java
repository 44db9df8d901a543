package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.GatewayProcess;
import fr.passerelle.gateway.testing.StompTraffic;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;

/**
 * Graceful shutdown of the partner endpoint, on the packaged jar: Spain's post is under way, its headers and half
 * its body sent, when the gateway gets SIGTERM. Expects the gateway to take no new request while it drains, to
 * answer that post with its signed receipt once the rest of the body has come, and then to end by itself; started
 * again, the message is on {@code national.ofast.in} once, and the audit chain is intact.
 */
class InboundDrainIT {

    private static final Pattern ACTIVE_REQUESTS = Pattern.compile(
            "(?m)^http_server_requests_active_seconds_count\\{[^}]*} (\\d+(?:\\.\\d+)?)");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    @Test
    void aPartnerPostUnderWayAtSigtermIsAnsweredAndDelivered() throws Exception {
        int broker = GatewayTestSupport.freePort();
        int management = GatewayTestSupport.freePort();
        int partnerPort = GatewayTestSupport.freePort();
        URI endpoint = URI.create("https://127.0.0.1:" + partnerPort + "/partner/v1/messages");
        byte[] envelope = TestPki.sampleWithNewId("intel-report-from-spain.xml");
        String messageId = TestPki.messageIdOf(envelope);
        CmsProfile cms = new CmsProfile();
        byte[] sealed = cms.seal(envelope, TestPki.credential("spain", "sign"),
                TestPki.partner("fr").currentEncryption());
        int half = sealed.length / 2;

        try (GatewayProcess gateway = new GatewayProcess(data, broker, management, "--server.port=" + partnerPort,
                "--passerelle.shutdown-timeout=60s")) {
            gateway.start(Duration.ofMinutes(2));
            CompletableFuture<HttpResponse<byte[]>> answer;
            try (SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>()) {
                HttpRequest post = HttpRequest.newBuilder(endpoint).version(HttpClient.Version.HTTP_1_1)
                        .header("Content-Type", "application/pkcs7-mime")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(body, sealed.length)).build();
                answer = TlsClients.as("spain").sendAsync(post, HttpResponse.BodyHandlers.ofByteArray());
                awaitSubscriber(body);
                body.submit(ByteBuffer.wrap(Arrays.copyOfRange(sealed, 0, half)));
                awaitActiveRequest(management, answer);

                gateway.signal();
                awaitLog(gateway, "Draining: ");
                assertThatThrownBy(() -> TlsClients.as("spain").send(HttpRequest.newBuilder(endpoint)
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/pkcs7-mime")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(sealed)).build(),
                        HttpResponse.BodyHandlers.discarding()))
                        .as("a new request while draining").isInstanceOf(IOException.class);
                assertThat(answer).as("the post under way is held, not answered early").isNotDone();

                body.submit(ByteBuffer.wrap(Arrays.copyOfRange(sealed, half, sealed.length)));
            }
            HttpResponse<byte[]> response = answer.get(1, TimeUnit.MINUTES);
            assertThat(response.statusCode()).as("the post under way at SIGTERM\n%s", gateway.tail()).isEqualTo(202);
            Receipt receipt = (Receipt) Schemas.jaxbContext().createUnmarshaller().unmarshal(new ByteArrayInputStream(
                    cms.verify(response.body(), TestPki.partner("fr").trust()).content()));
            assertThat(receipt.getSha256()).isEqualTo(Receipts.sha256Hex(sealed));
            assertThat(gateway.awaitExit(Duration.ofMinutes(2))).as("exit status after SIGTERM").isEqualTo(143);
            String log = gateway.log();
            assertThat(log).containsPattern("Drained: the \\d+ exchanges in flight when draining began have finished")
                    .doesNotContain("Drained after the timeout");

            gateway.start(Duration.ofMinutes(2));
            assertThat(StompTraffic.receiveAll(broker, "ofast", "national.ofast.in", 1))
                    .as("delivered to ofast once").containsExactly(messageId);
            gateway.stop(Duration.ofMinutes(2));
        }
        GatewayProcess.CommandResult verify = GatewayProcess.run(List.of("spring.datasource.url=jdbc:h2:file:"
                + data.resolve("db/passerelle") + ";AUTO_SERVER=TRUE"), "audit", "verify");
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("audit trail intact");
    }

    /**
     * Waits until the web server is inside the post (it counts it as an active request), so that SIGTERM finds it
     * under way, not waiting to be read.
     */
    private static void awaitActiveRequest(int management, CompletableFuture<?> answer) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                + "/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            assertThat(answer).as("the post was answered before its body was sent").isNotDone();
            Matcher active = ACTIVE_REQUESTS.matcher(http.send(scrape, HttpResponse.BodyHandlers.ofString()).body());
            while (active.find()) {
                if (Double.parseDouble(active.group(1)) >= 1) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("the post active on the web server within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The publisher drops what it is given before the client subscribes, once the headers are sent. */
    private static void awaitSubscriber(SubmissionPublisher<ByteBuffer> body) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!body.hasSubscribers()) {
            assertThat(System.nanoTime()).as("the client sending the post's body within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitLog(GatewayProcess gateway, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!gateway.log().contains(text)) {
            assertThat(System.nanoTime()).as("'%s' in the log within 30 s\n%s", text, gateway.tail())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
