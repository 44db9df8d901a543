package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.Credential;

/**
 * A partner's TLS client certificate revoked while the gateway runs: Spain's CA publishes a new CRL in Spain's
 * folder; expects the very next connection with that certificate refused with CERT_REVOKED, without restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PartnerTlsRevocationTest {

    private static Path spainFolder;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.register(registry, "revocation");
        try {
            spainFolder = Files.createTempDirectory("passerelle-spain");
            Files.copy(TestPki.dir("spain").resolve("ca.pem"), spainFolder.resolve("ca.pem"));
            Files.copy(TestPki.dir("spain").resolve("enc.pem"), spainFolder.resolve("enc.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("passerelle.partners.spain.directory", spainFolder::toString);
    }

    @LocalServerPort
    int partnerPort;

    @Test
    void aCertificateRevokedWhileRunningIsRefusedAtOnce() throws Exception {
        Credential tls = TestCertificates.tlsClient("spain");
        HttpResponse<String> before = post(tls);
        assertThat(before.statusCode()).as(before.body()).isEqualTo(400);
        assertThat(before.body()).contains("NOT_CMS");

        TestCertificates.writeCrl("spain", spainFolder.resolve("crl.pem"), tls.certificate());
        Files.setLastModifiedTime(spainFolder.resolve("crl.pem"), FileTime.from(Instant.now().plusSeconds(2)));
        HttpResponse<String> after = post(tls);

        assertThat(after.statusCode()).isEqualTo(403);
        assertThat(after.body()).contains("CERT_REVOKED");
        HttpResponse<String> probed = TlsClients.as(tls).send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + partnerPort + "/partner/v1/messages"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(probed.statusCode()).as("a probe with the revoked certificate").isEqualTo(403);
        assertThat(probed.headers().firstValue("PasserelleReasonCode")).hasValue("CERT_REVOKED");
    }

    private HttpResponse<String> post(Credential tls) throws Exception {
        return TlsClients.as(tls).send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + partnerPort + "/partner/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofByteArray("not sealed".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
