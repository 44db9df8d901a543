package fr.passerelle.routes.channel;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import fr.passerelle.pki.BouncyCastle;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.channel.SftpChannel.Settings;

/**
 * The sftp channel against an in-process SFTP server: delivery under a temporary name then the final one, no
 * overwrite on redelivery, the pinned host key, our client key, and every way a delivery or a configuration fails.
 */
class SftpChannelTest {

    private static final String MESSAGE_ID = "7d0f3c52-5b7e-4a57-9a8e-2f1c3e0b9a11";
    private static final String FINAL_NAME = MESSAGE_ID + ".p7m";
    private static final String PART_NAME = "." + FINAL_NAME + ".part";
    private static final byte[] SEALED = "sealed bytes, exactly as queued".getBytes(StandardCharsets.US_ASCII);
    private static final Outgoing MESSAGE = new Outgoing(MESSAGE_ID, "spain", "cms", SEALED, 4);

    private static final Path OUR_KEY = TestPki.dir("fr").resolve("tls.key");
    private static final PublicKey OUR_PUBLIC_KEY = Pem.readCertificate(TestPki.dir("fr").resolve("tls.pem"))
            .getPublicKey();

    @TempDir
    Path work;

    private Path inbox;
    private KeyPair hostKey;
    private Path pinnedHostKey;
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeEach
    void partnerSide() throws Exception {
        inbox = Files.createDirectories(work.resolve("root/in"));
        hostKey = ecKeyPair();
        pinnedHostKey = hostKeyFile("pinned.pub", hostKey.getPublic());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    /** Our key as the sample PKI keeps it (EC P-256, then RSA): the public key the partner authorised is derived. */
    @ParameterizedTest
    @ValueSource(strings = {"tls", "sign-rsa"})
    void deliversTheSealedBytesUnderTheFinalName(String ourKey) throws Exception {
        PublicKey accepted = Pem.readCertificate(TestPki.dir("fr").resolve(ourKey + ".pem")).getPublicKey();
        TestSftpServer server = server(accepted, hostKey);
        SftpChannel channel = channel(settings(server, TestPki.dir("fr").resolve(ourKey + ".key"), pinnedHostKey));

        Delivery delivery = channel.deliver(MESSAGE);

        assertThat(inbox.resolve(FINAL_NAME)).hasBinaryContent(SEALED);
        assertThat(inbox).isDirectoryNotContaining("glob:**.part");
        assertThat(delivery.detail())
                .isEqualTo("sftp 127.0.0.1:" + server.port() + "/in/" + FINAL_NAME + ", " + SEALED.length + " bytes");
        assertThat(delivery.receipt()).isNull();
    }

    /** The partner never sees a partial file under the final name: the bytes go to a hidden .part, then a rename. */
    @Test
    void writesUnderAHiddenTemporaryNameThenRenames() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));

        channel.deliver(new Outgoing(MESSAGE_ID, "spain", "xml", SEALED, 9));

        String part = "/in/." + MESSAGE_ID + ".xml.part";
        assertThat(server.writes()).isNotEmpty().containsOnly(part);
        assertThat(server.moves()).containsExactly(part + " -> /in/" + MESSAGE_ID + ".xml");
        assertThat(inbox).isDirectoryContaining("glob:**/" + MESSAGE_ID + ".xml")
                .isDirectoryNotContaining("glob:**.part");
    }

    /** A redelivery after a crash: the partner already has the message, its file is not replaced. */
    @Test
    void leavesAFileAlreadyDeliveredAsItWas() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));
        channel.deliver(MESSAGE);

        byte[] other = "other bytes under the same messageId".getBytes(StandardCharsets.US_ASCII);
        Delivery again = channel.deliver(new Outgoing(MESSAGE_ID, "spain", "cms", other, 4));

        assertThat(again.detail()).isEqualTo(
                "sftp 127.0.0.1:" + server.port() + "/in/" + FINAL_NAME + " already present, not overwritten");
        assertThat(inbox.resolve(FINAL_NAME)).hasBinaryContent(SEALED);
        assertThat(inbox).isDirectoryNotContaining("glob:**.part");
        assertThat(server.moves()).hasSize(1);
    }

    /** A server with several host keys is asked for the one pinned, whatever type our client would prefer. */
    @Test
    void asksTheServerForThePinnedKeyType() throws Exception {
        KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519", BouncyCastle.provider()).generateKeyPair();
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey, ed25519);
        SftpChannel pinningEd25519 =
                channel(settings(server, OUR_KEY, hostKeyFile("ed25519.pub", ed25519.getPublic())));

        assertThat(pinningEd25519.deliver(MESSAGE).detail()).endsWith(SEALED.length + " bytes");
        assertThat(inbox.resolve(FINAL_NAME)).hasBinaryContent(SEALED);
    }

    /** A server impersonating the partner's (or a re-keyed one) gets nothing: its key is not the pinned one. */
    @Test
    void refusesAServerWhoseHostKeyIsNotThePinnedOne() throws Exception {
        KeyPair impostor = ecKeyPair();
        TestSftpServer server = server(OUR_PUBLIC_KEY, impostor);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));

        assertThatThrownBy(() -> channel.deliver(MESSAGE)).isInstanceOf(ChannelException.class)
                .hasMessage("host key of 127.0.0.1:" + server.port() + " does not match the pinned key: the server"
                        + " presented ecdsa-sha2-nistp256 " + KeyUtils.getFingerPrint(impostor.getPublic()));
        assertThat(inbox).isEmptyDirectory();
        assertThat(server.writes()).isEmpty();
    }

    /** A partner that does not (or no longer) authorise our key. */
    @Test
    void failsWhenTheServerRefusesOurKey() {
        PublicKey someoneElse = Pem.readCertificate(TestPki.dir("spain").resolve("tls.pem")).getPublicKey();
        TestSftpServer server = server(someoneElse, hostKey);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));

        assertThatThrownBy(() -> channel.deliver(MESSAGE)).isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("cannot log in to 127.0.0.1:" + server.port() + " as passerelle with our key");
        assertThat(inbox).isEmptyDirectory();
    }

    /** The partner's server is down: tried again later. */
    @Test
    void failsWhenTheServerIsDown() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));
        server.stop();

        assertThatThrownBy(() -> channel.deliver(MESSAGE)).isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("cannot connect to 127.0.0.1:" + server.port());
    }

    /** The partner's side cannot take the file (here: the directory is missing). */
    @Test
    void failsWhenTheFileCannotBeWritten() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        SftpChannel channel = channel(new Settings("127.0.0.1", server.port(), TestSftpServer.USER,
                OUR_KEY, pinnedHostKey, "missing", Duration.ofSeconds(5)));

        assertThatThrownBy(() -> channel.deliver(MESSAGE)).isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("cannot write sftp 127.0.0.1:" + server.port() + "/missing/" + PART_NAME);
        assertThat(work.resolve("root")).isDirectoryNotContaining("glob:**/missing");
    }

    /** A probe logs in and finds the directory, writing nothing. */
    @Test
    void aProbeFindsTheDirectoryAndWritesNothing() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));

        assertThat(channel.probe()).isEqualTo(channel.describe() + " is a directory we can log in to");
        assertThat(server.writes()).isEmpty();
        assertThat(inbox).isEmptyDirectory();
    }

    /** A probe fails as a delivery would: no directory, a file in its place, another host key, the server down. */
    @Test
    void aProbeFailsWhereADeliveryWould() throws Exception {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        Files.writeString(work.resolve("root/file"), "not a directory");

        assertThatThrownBy(() -> channel(new Settings("127.0.0.1", server.port(), TestSftpServer.USER, OUR_KEY,
                pinnedHostKey, "missing", Duration.ofSeconds(5))).probe())
                .isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("cannot find the directory sftp 127.0.0.1:" + server.port() + "/missing");
        assertThatThrownBy(() -> channel(new Settings("127.0.0.1", server.port(), TestSftpServer.USER, OUR_KEY,
                pinnedHostKey, "file", Duration.ofSeconds(5))).probe())
                .isInstanceOf(ChannelException.class)
                .hasMessage("sftp 127.0.0.1:" + server.port() + "/file is not a directory");
        Path otherKey = hostKeyFile("other.pub", ecKeyPair().getPublic());
        assertThatThrownBy(() -> channel(settings(server, OUR_KEY, otherKey)).probe())
                .isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("host key of 127.0.0.1:" + server.port() + " does not match the pinned key");
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));
        server.stop();
        assertThatThrownBy(channel::probe).isInstanceOf(ChannelException.class)
                .hasMessageStartingWith("cannot connect to 127.0.0.1:" + server.port());
    }

    /** A messageId that is not a plain name could write outside the directory: refused, nothing sent. */
    @Test
    void refusesAMessageIdThatIsNotAPlainName() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);
        SftpChannel channel = channel(settings(server, OUR_KEY, pinnedHostKey));

        assertRefused(() -> channel.deliver(new Outgoing("../etc/passwd", "spain", "cms", SEALED, 4)),
                ReasonCode.INTERNAL_ERROR).hasMessageContaining("messageId is not usable as a file name");
        assertThat(server.writes()).isEmpty();
    }

    @Test
    void describesItselfWithoutSecrets() {
        TestSftpServer server = server(OUR_PUBLIC_KEY, hostKey);

        assertThat(channel(settings(server, OUR_KEY, pinnedHostKey)).describe())
                .isEqualTo("sftp passerelle@127.0.0.1:" + server.port() + "/in");
    }

    static Stream<Arguments> badSettings() {
        Path f = Path.of("key");
        Duration t = Duration.ofSeconds(5);
        return Stream.of(
                bad("host", () -> new Settings(" ", 22, "u", f, f, "in", t)),
                bad("port", () -> new Settings("h", 0, "u", f, f, "in", t)),
                bad("port", () -> new Settings("h", 65536, "u", f, f, "in", t)),
                bad("username", () -> new Settings("h", 22, null, f, f, "in", t)),
                bad("privateKey", () -> new Settings("h", 22, "u", null, f, "in", t)),
                bad("hostKey", () -> new Settings("h", 22, "u", f, null, "in", t)),
                bad("directory", () -> new Settings("h", 22, "u", f, f, "", t)),
                bad("timeout", () -> new Settings("h", 22, "u", f, f, "in", Duration.ZERO)));
    }

    private static Arguments bad(String field, ThrowingCallable construction) {
        return Arguments.of(field, construction);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void refusesBadSettingsNamingTheField(String field, ThrowingCallable construction) {
        assertThatThrownBy(construction).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " ");
    }

    @Test
    void refusesMissingKeyFilesNamingThem() {
        Path missing = work.resolve("missing.key");

        assertThatThrownBy(() -> new SftpChannel("spain", settings(2222, missing, pinnedHostKey)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partner spain: privateKey " + missing + " is not a file");
        assertThatThrownBy(() -> new SftpChannel("spain", settings(2222, OUR_KEY, missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partner spain: hostKey " + missing + " is not a file");
    }

    /** A wrong file in place of a key is named, and nothing of its content is repeated. */
    @Test
    void refusesKeyFilesThatAreNotKeysNamingThem() throws Exception {
        Path certificate = TestPki.dir("fr").resolve("tls.pem");
        Path postQuantum = TestPki.dir("fr").resolve("mldsa.key");
        Path garbage = Files.writeString(work.resolve("garbage.pub"), "ecdsa-sha2-nistp256 AAAAnotbase64!!\n");
        Path twoKeys = Files.writeString(work.resolve("two.pub"),
                Files.readString(pinnedHostKey) + PublicKeyEntry.toString(ecKeyPair().getPublic()) + "\n");

        assertThatThrownBy(() -> new SftpChannel("spain", settings(2222, certificate, pinnedHostKey)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partner spain: privateKey " + certificate
                        + " cannot be read as an unencrypted PKCS#8 PEM private key");
        assertThatThrownBy(() -> new SftpChannel("spain", settings(2222, postQuantum, pinnedHostKey)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("partner spain: privateKey " + postQuantum + " is a ")
                .hasMessageEndingWith("; an EC or RSA key is expected");
        assertThatThrownBy(() -> new SftpChannel("spain", settings(2222, OUR_KEY, garbage)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("partner spain: hostKey " + garbage + " does not hold a supported OpenSSH")
                .hasMessageNotContaining("AAAA");
        assertThatThrownBy(() -> new SftpChannel("spain", settings(2222, OUR_KEY, twoKeys)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partner spain: hostKey " + twoKeys + " must hold exactly one OpenSSH public key line,"
                        + " it holds 2");
    }

    private TestSftpServer server(PublicKey acceptedClientKey, KeyPair... hostKeys) {
        TestSftpServer server = new TestSftpServer(work.resolve("root"), acceptedClientKey, hostKeys);
        started.add(server);
        return server;
    }

    private SftpChannel channel(Settings settings) {
        SftpChannel channel = new SftpChannel("spain", settings);
        started.add(channel);
        return channel;
    }

    private static Settings settings(TestSftpServer server, Path ourKey, Path hostKey) {
        return settings(server.port(), ourKey, hostKey);
    }

    private static Settings settings(int port, Path ourKey, Path hostKey) {
        return new Settings("127.0.0.1", port, TestSftpServer.USER, ourKey, hostKey, "in",
                Duration.ofSeconds(5));
    }

    private Path hostKeyFile(String name, PublicKey key) throws IOException {
        return Files.writeString(work.resolve(name), PublicKeyEntry.toString(key) + " partner-host\n");
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
