package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.pki.Pem;
import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.Credential;

/** Bad configuration stops start-up with a message naming the key at fault. */
class StartupValidationTest {

    @TempDir
    Path data;

    private void start(String... overrides) {
        GatewayTestSupport.startAndClose(data, overrides);
    }

    @Test
    void missingPartnerFolderNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.directory=/nowhere/spain"))
                .hasStackTraceContaining("passerelle.partners.spain.directory")
                .hasStackTraceContaining("/nowhere/spain/ca.pem");
    }

    @Test
    void aPushChannelWithoutUrlNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=https-push"))
                .hasStackTraceContaining("passerelle.partners.spain.channel.url");
    }

    @Test
    void aPlainHttpPushChannelIsRefused() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=https-push",
                "--passerelle.partners.spain.channel.url=http://127.0.0.1:9443/partner/v1/messages"))
                .hasStackTraceContaining("passerelle.partners.spain.channel").hasStackTraceContaining("https");
    }

    @Test
    void anSftpChannelWithoutItsKeyFileNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=sftp",
                "--passerelle.partners.spain.channel.url=sftp://127.0.0.1:2222/inbox",
                "--passerelle.partners.spain.channel.username=fr",
                "--passerelle.partners.spain.channel.private-key=/nowhere/id_ecdsa"))
                .hasStackTraceContaining("passerelle.partners.spain.channel.private-key");
    }

    @Test
    void anUnknownChannelTypeNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=carrier-pigeon"))
                .hasStackTraceContaining("partners[spain].channel.type").hasStackTraceContaining("carrier-pigeon");
    }

    @Test
    void aBadRetrySettingNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=https-push",
                "--passerelle.partners.spain.channel.url=https://127.0.0.1:9443/partner/v1/messages",
                "--passerelle.partners.spain.channel.retry.jitter=1.5"))
                .hasStackTraceContaining("passerelle.partners.spain.channel.retry").hasStackTraceContaining("jitter");
    }

    @Test
    void aNegativeProbeIntervalNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.channel-probe-interval=-PT1M"))
                .hasStackTraceContaining("passerelle.channel-probe-interval").hasStackTraceContaining("PT-1M");
    }

    @Test
    void ourOwnIdIsNotAPartner() {
        assertThatThrownBy(() -> start("--passerelle.partners.fr.directory=certs-sample/fr",
                "--passerelle.broker.passwords.fr=sample-fr"))
                .hasStackTraceContaining("passerelle.partners.fr").hasStackTraceContaining("own id");
    }

    @Test
    void aDeploymentFileThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> start("--passerelle.deployment=file:/nowhere/deployment.yml"))
                .hasStackTraceContaining("/nowhere/deployment.yml");
    }

    @Test
    void missingIdentityKeyNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.identity.directory=certs-sample/spain-missing"))
                .hasStackTraceContaining("passerelle.identity.directory");
    }

    /** Partners would refuse every message we sign: start-up names the folder, the file and the date. */
    @Test
    void ourExpiredSigningCertificateNamesTheFile() throws Exception {
        Path ours = ourFolderWith("sign", TestCertificates.signing("fr", Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1))));
        assertThatThrownBy(() -> start("--passerelle.identity.directory=" + ours))
                .hasStackTraceContaining("passerelle.identity.directory")
                .hasStackTraceContaining("sign.pem expired on");
    }

    /** Our TLS server would present a certificate partners cannot check against our CA. */
    @Test
    void ourCertificateFromAnotherCaNamesTheFile() throws Exception {
        Path ours = ourFolderWith("tls", TestCertificates.fromUnknownCa());
        assertThatThrownBy(() -> start("--passerelle.identity.directory=" + ours))
                .hasStackTraceContaining("passerelle.identity.directory")
                .hasStackTraceContaining("tls.pem").hasStackTraceContaining("not issued by a CA of ca.pem");
    }

    /** Messages encrypted for our certificate could not be opened with the key beside it. */
    @Test
    void aKeyThatIsNotOurCertificatesNamesTheFile() throws Exception {
        Path ours = ourFolderWith("enc", null);
        Files.copy(TestPki.dir("spain").resolve("enc.key"), ours.resolve("enc.key"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> start("--passerelle.identity.directory=" + ours))
                .hasStackTraceContaining("passerelle.identity.directory")
                .hasStackTraceContaining("enc.key is not the private key of the certificate in enc.pem");
    }

    /** A copy of our sample folder, with {@code name.pem} and {@code name.key} replaced when a credential is given. */
    private Path ourFolderWith(String name, Credential replacement) throws Exception {
        Path ours = Files.createDirectories(data.resolve("fr"));
        try (Stream<Path> files = Files.list(TestPki.dir("fr"))) {
            for (Path file : files.toList()) {
                Files.copy(file, ours.resolve(file.getFileName()));
            }
        }
        if (replacement != null) {
            Files.writeString(ours.resolve(name + ".pem"), Pem.toPem(replacement.certificate()));
            Files.writeString(ours.resolve(name + ".key"), Pem.toPem(replacement.key()));
        }
        return ours;
    }

    /** Left to Tomcat, a port out of range fails once everything else has started, naming no key. */
    @Test
    void aManagementPortOutOfRangeNamesTheKey() {
        assertThatThrownBy(() -> start("--management.server.port=70000"))
                .hasStackTraceContaining("Invalid configuration management.server.port: 70000 is not a port");
    }

    /** Two servers on one port: one would fail to bind, or health would hide behind the partner endpoint's TLS. */
    @Test
    void twoServersOnOnePortNameTheSecondKey() {
        int port = GatewayTestSupport.freePort();
        assertThatThrownBy(() -> start("--management.server.port=" + port, "--passerelle.console.port=" + port))
                .hasStackTraceContaining("Invalid configuration passerelle.console.port: " + port
                        + " is already management.server.port");
    }

    /** Another process on the broker's port: start-up stops, naming the key, instead of running without a broker. */
    @Test
    void aBrokerPortInUseNamesTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> start("--passerelle.broker.port=" + port))
                    .hasStackTraceContaining("Invalid configuration passerelle.broker.port: the broker cannot listen"
                            + " on 127.0.0.1:" + port + " (in use by another process?)");
        }
    }

    @Test
    void missingBrokerPasswordNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.passwords.spain="))
                .hasStackTraceContaining("passerelle.broker.passwords.spain");
    }

    /** A journal buffer timeout of nothing, or long enough to hold every commit back, names its key. */
    @Test
    void aJournalBufferTimeoutOutOfRangeNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.journal-buffer-timeout=0s"))
                .hasStackTraceContaining("Invalid configuration passerelle.broker.journal-buffer-timeout: is PT0S;"
                        + " it must be between 1us and 100ms");
        assertThatThrownBy(() -> start("--passerelle.broker.journal-buffer-timeout=2s"))
                .hasStackTraceContaining("passerelle.broker.journal-buffer-timeout: is PT2S");
    }

    @Test
    void noConsumerOnTheNationalQueuesNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.outbound.consumers=0"))
                .hasStackTraceContaining("passerelle.outbound.consumers");
    }

    @Test
    void defaultServiceMustBeAService() {
        assertThatThrownBy(() -> start("--passerelle.default-service=europol"))
                .hasStackTraceContaining("passerelle.default-service");
    }

    @Test
    void malformedServiceIdNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.services[0]=OFAST.#"))
                .hasStackTraceContaining("passerelle.services[0]");
    }
}
