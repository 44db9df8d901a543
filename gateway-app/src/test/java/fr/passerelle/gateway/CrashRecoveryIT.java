package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.GatewayProcess;
import fr.passerelle.gateway.testing.StompClient;
import fr.passerelle.routes.TestPki;

/**
 * Crash safety, on the packaged jar: 1,000 messages sent by STOMP to {@code national.ofast.out}, the gateway
 * killed with {@code kill -9} a second later, started again; expects exactly those 1,000 messages on
 * {@code partner.spain.out}, each once, and nothing in quarantine.
 */
class CrashRecoveryIT {

    private static final int MESSAGES = 1_000;

    @TempDir
    Path data;

    @Test
    void killedMidTrafficThenRestartedLosesNothingAndSendsNothingTwice() throws Exception {
        int broker = GatewayTestSupport.freePort();
        int management = GatewayTestSupport.freePort();
        Set<String> sent = new HashSet<>();
        try (GatewayProcess gateway = new GatewayProcess(data, broker, management)) {
            gateway.start(Duration.ofMinutes(2));
            List<byte[]> envelopes = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                envelopes.add(TestPki.sampleWithNewId("intel-report-to-spain.xml"));
                sent.add(TestPki.messageIdOf(envelopes.get(i)));
            }
            try (StompClient ofast = new StompClient(Duration.ofSeconds(30))) {
                assertThat(ofast.connect("127.0.0.1", broker, "ofast", "sample-ofast")).isTrue();
                ofast.sendAll("national.ofast.out", envelopes, persistent(), 100);
                ofast.disconnect();
            }
            Thread.sleep(1_000);
            int sealedBeforeKill = sealedCount();
            gateway.kill();
            Files.writeString(data.resolve("gateway.log"), "\n--- killed with kill -9 ---\n",
                    java.nio.file.StandardOpenOption.APPEND);

            gateway.start(Duration.ofMinutes(2));

            assertThat(sealedBeforeKill).as("killed mid-traffic: some sealed, not all").isBetween(1, MESSAGES - 1);
            List<String> received = receiveAll(broker, "spain", "partner.spain.out", MESSAGES);
            assertThat(received).as("messages on partner.spain.out\n%s", gateway.tail()).hasSize(MESSAGES);
            assertThat(new HashSet<>(received)).as("distinct and exactly those sent").isEqualTo(sent);
            assertThat(receiveAll(broker, "admin", "gateway.quarantine", 0)).as("quarantine").isEmpty();
        }
    }

    /** Outbound copies stored so far, read beside the running gateway (its H2 database serves other processes). */
    private int sealedCount() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("db/passerelle")
                + ";AUTO_SERVER=TRUE", "passerelle", "");
                ResultSet count = db.createStatement().executeQuery(
                        "select count(*) from message_store where direction = 'OUTBOUND'")) {
            count.next();
            return count.getInt(1);
        }
    }

    private static Map<String, String> persistent() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("persistent", "true");
        headers.put("destination-type", "ANYCAST");
        return headers;
    }

    /** Every message on the queue, until {@code expected} came and then a quiet spell, or a long silence. */
    private static List<String> receiveAll(int broker, String account, String queue, int expected) throws Exception {
        List<String> ids = new ArrayList<>();
        try (StompClient client = new StompClient(Duration.ofSeconds(30))) {
            assertThat(client.connect("127.0.0.1", broker, account, "sample-" + account)).isTrue();
            assertThat(client.subscribe(queue).is("RECEIPT")).isTrue();
            for (StompClient.Frame frame; (frame = client.receive(Duration.ofSeconds(
                    ids.size() < expected ? 60 : 5))) != null;) {
                assertThat(frame.is("MESSAGE")).as("%s", frame).isTrue();
                ids.add(frame.header("PasserelleMessageId"));
            }
            client.disconnect();
        }
        return ids;
    }
}
