package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.GatewayProcess;
import fr.passerelle.gateway.testing.StompClient;
import fr.passerelle.gateway.testing.StompTraffic;

/**
 * Crash safety, on the packaged jar: {@code ofast} sends without pause to {@code national.ofast.out}; once some
 * messages are sealed, and while more keep coming (a burst of 500 just acknowledged), the gateway is killed with
 * {@code kill -9}, then started again; expects on {@code partner.spain.out} every message the broker had
 * acknowledged, each once, nothing that was not sent, and nothing in quarantine.
 */
class CrashRecoveryIT {

    /** A safety net only: the sender runs until the broker goes away. */
    private static final int LIMIT = 200_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    @Test
    void killedMidTrafficThenRestartedLosesNothingAndSendsNothingTwice() throws Exception {
        int broker = GatewayTestSupport.freePort();
        int management = GatewayTestSupport.freePort();
        try (GatewayProcess gateway = new GatewayProcess(data, broker, management)) {
            gateway.start(Duration.ofMinutes(2));
            StompTraffic traffic = new StompTraffic(broker, "ofast", "sample-ofast",
                    StompTraffic.newIds("intel-report-to-spain.xml"), LIMIT);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (sealedCount() < 100) {
                assertThat(traffic.isSending()).as("the sender is sending (%s)", traffic.failure()).isTrue();
                assertThat(System.nanoTime()).as("100 sealed in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            // However fast the gateway, a burst acknowledged just before the kill leaves it work in hand.
            Set<String> burst = burst(broker, 500);
            gateway.kill();
            Exception senderEnd = traffic.awaitEnd(Duration.ofMinutes(1));
            Files.writeString(data.resolve("gateway.log"), "\n--- killed with kill -9 ---\n",
                    java.nio.file.StandardOpenOption.APPEND);
            int sealedBeforeKill = sealedCount();

            assertThat(senderEnd).as("the sender was still sending when the gateway was killed").isNotNull();
            Set<String> acknowledged = new HashSet<>(traffic.acknowledged());
            acknowledged.addAll(burst);
            assertThat(sealedBeforeKill).as("killed mid-traffic: some sealed, not all")
                    .isBetween(1, acknowledged.size() - 1);

            gateway.start(Duration.ofMinutes(2));
            List<String> received = StompTraffic.receiveAll(broker, "spain", "partner.spain.out",
                    acknowledged.size());
            assertThat(received).as("nothing twice on partner.spain.out").doesNotHaveDuplicates();
            assertThat(new HashSet<>(received)).as("every acknowledged message on partner.spain.out\n%s",
                    gateway.tail()).containsAll(acknowledged);
            Set<String> sent = new HashSet<>(traffic.attempted());
            sent.addAll(burst);
            assertThat(sent).as("nothing that was not sent").containsAll(received);
            assertThat(StompTraffic.receiveAll(broker, "admin", "gateway.quarantine", 0,
                    "PasserelleReasonCode")).as("quarantine").isEmpty();
        }
    }

    /** Sends {@code count} messages at once, returning when the broker has acknowledged them all. */
    private static Set<String> burst(int broker, int count) throws Exception {
        Set<String> ids = new HashSet<>();
        List<byte[]> bodies = new ArrayList<>();
        Supplier<Map.Entry<String, byte[]>> envelopes = StompTraffic.newIds("intel-report-to-spain.xml");
        for (int i = 0; i < count; i++) {
            Map.Entry<String, byte[]> envelope = envelopes.get();
            ids.add(envelope.getKey());
            bodies.add(envelope.getValue());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("persistent", "true");
        headers.put("destination-type", "ANYCAST");
        try (StompClient ofast = new StompClient(Duration.ofSeconds(30))) {
            assertThat(ofast.connect("127.0.0.1", broker, "ofast", "sample-ofast")).isTrue();
            ofast.sendAll("national.ofast.out", bodies, headers, count);
        }
        return ids;
    }

    /** Outbound copies stored so far, read beside the gateway (its H2 database serves other processes) or after it. */
    private int sealedCount() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("db/passerelle")
                + ";AUTO_SERVER=TRUE", "passerelle", "");
                ResultSet count = db.createStatement().executeQuery(
                        "select count(*) from message_store where direction = 'OUTBOUND'")) {
            count.next();
            return count.getInt(1);
        }
    }
}
