package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.routes.OpenSsl;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.Tools;

/**
 * The README's tour and the acceptance checks, with the tools a partner and a service would use and nothing
 * of ours on their side: {@code scripts/stomp.sh} (bash) on the broker, {@code openssl cms} to open and seal,
 * {@code curl} with client certificates on the partner endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadmeTourTest {

    private static int brokerPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "tour");
    }

    @LocalServerPort
    int partnerPort;

    @TempDir
    Path work;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void tools() {
        Tools.assumePresent("bash");
        OpenSsl.assumePresent();
        Tools.assumePresent("curl");
    }

    /** Steps 2 to 4: ofast sends over STOMP; Spain takes it over STOMP and opens it with openssl. */
    @Test
    void outboundOverStompOpensWithOpenssl() throws Exception {
        Path sample = TestPki.sample("intel-report-to-spain.xml");

        stomp("send", "ofast", "national.ofast.out", sample.toString());
        stomp("receive", "spain", "partner.spain.out", work.resolve("sealed.der").toString());
        OpenSsl.decryptAndVerify(work, "sealed.der", "spain", "fr", "received.xml");

        assertThat(Files.readAllBytes(work.resolve("received.xml"))).isEqualTo(Files.readAllBytes(sample));
        // The gateway heard Spain take it: delivered, and OUTBOUND_COLLECTED in the audit trail.
        String messageId = TestPki.messageIdOf(Files.readAllBytes(sample));
        String collected = "select details from audit_record where message_id = ? and event = 'OUTBOUND_COLLECTED'";
        GatewayTestSupport.await(() -> !jdbc.queryForList(collected, String.class, messageId).isEmpty(),
                "OUTBOUND_COLLECTED for the tour's report");
        assertThat(jdbc.queryForObject(collected, String.class, messageId))
                .startsWith("taken from partner.spain.out by spain over STOMP from ");
        assertThat(jdbc.queryForObject("select count(*) from message_store where message_id = ?"
                + " and partner = 'spain' and direction = 'OUTBOUND' and delivered_at is not null", Integer.class,
                messageId)).isEqualTo(1);
    }

    /** Steps 5 and 6: Spain seals with openssl and posts with curl; replays, no certificate, Morocco refused. */
    @Test
    void inboundWithOpensslAndCurl() throws Exception {
        String envelope = Files.readString(TestPki.sample("intel-report-from-spain.xml"))
                .replace("992ff21b-371f-4039-94db-124e3e6f7d03", "5d1c1d0e-8b44-4f0e-9a55-3f2b6c7d8e9f");
        Files.writeString(work.resolve("from-spain.xml"), envelope);
        OpenSsl.signAndEncrypt(work, "from-spain.xml", "spain", "fr", "es-sealed.der");

        assertThat(post("spain", "receipt.der")).isEqualTo("202");
        String receipt = OpenSsl.run(work, "cms", "-verify", "-inform", "DER", "-in", "receipt.der",
                "-CAfile", TestPki.dir("fr").resolve("ca.pem").toString());
        assertThat(receipt).contains("5d1c1d0e-8b44-4f0e-9a55-3f2b6c7d8e9f")
                .contains(Tools.run(work, "sha256sum", "es-sealed.der").substring(0, 64));

        stomp("receive", "ofast", "national.ofast.in", work.resolve("delivered.xml").toString());
        assertThat(Files.readString(work.resolve("delivered.xml"))).isEqualTo(envelope);

        assertThat(post("spain", "again.der")).as("the same bytes again").isEqualTo("202");
        assertThat(Files.readAllBytes(work.resolve("again.der"))).as("the first receipt, again")
                .isEqualTo(Files.readAllBytes(work.resolve("receipt.der")));
        OpenSsl.signAndEncrypt(work, "from-spain.xml", "spain", "fr", "es-sealed.der");
        assertThat(post("spain", "resealed.json")).as("a new seal of the same messageId").isEqualTo("409");
        assertThat(Files.readString(work.resolve("resealed.json"))).contains("DUPLICATE_MESSAGE");
        assertThat(post("morocco", "morocco.json")).isEqualTo("403");
        assertThat(Files.readString(work.resolve("morocco.json"))).contains("CERT_UNKNOWN_CA");
        Tools.Result anonymous = Tools.attempt(work, Map.of(), "curl", "-s", "--cacert",
                TestPki.dir("fr").resolve("ca.pem").toString(), "--data-binary", "@es-sealed.der", url());
        assertThat(anonymous.exitCode()).as("curl without a client certificate: %s", anonymous.output()).isNotZero();
    }

    /** Step 7: the broker refuses Spain on Morocco's queue and on a national queue, and a wrong password. */
    @Test
    void brokerRefusalsSeenFromStomp() throws Exception {
        Path out = work.resolve("x");
        assertThat(stompAttempt(Map.of(), "receive", "spain", "partner.morocco.out", out.toString()).exitCode())
                .isEqualTo(1);
        assertThat(stompAttempt(Map.of(), "receive", "spain", "national.ofast.in", out.toString()).exitCode())
                .isEqualTo(1);
        Tools.Result wrongPassword = stompAttempt(Map.of("STOMP_PASSWORD", "not-the-password"), "send", "ofast",
                "national.ofast.out", TestPki.sample("intel-report-to-spain.xml").toString());
        assertThat(wrongPassword.exitCode()).isEqualTo(1);
        assertThat(wrongPassword.output()).contains("password is invalid");
    }

    private String post(String party, String output) throws Exception {
        Path dir = TestPki.dir(party);
        return Tools.run(work, "curl", "-s", "-o", output, "-w", "%{http_code}",
                "--cacert", TestPki.dir("fr").resolve("ca.pem").toString(),
                "--cert", dir.resolve("tls.pem").toString(), "--key", dir.resolve("tls.key").toString(),
                "-H", "Content-Type: application/pkcs7-mime", "--data-binary", "@es-sealed.der", url()).trim();
    }

    private String url() {
        return "https://127.0.0.1:" + partnerPort + "/partner/v1/messages";
    }

    private void stomp(String... args) throws Exception {
        Tools.Result result = stompAttempt(Map.of(), args);
        assertThat(result.exitCode()).as("stomp.sh %s: %s", String.join(" ", args), result.output()).isZero();
    }

    private Tools.Result stompAttempt(Map<String, String> environment, String... args) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("STOMP_PORT", Integer.toString(brokerPort));
        env.put("STOMP_TIMEOUT", "20");
        String[] command = new String[args.length + 1];
        command[0] = TestPki.root().resolve("scripts/stomp.sh").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return Tools.attempt(work, env, "bash", command);
    }
}
