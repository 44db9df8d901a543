package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.testing.GatewayProcess;
import fr.passerelle.gateway.testing.StompTraffic;

/**
 * Graceful shutdown, on the packaged jar: {@code ofast} sends without pause to {@code national.ofast.out}; the
 * gateway gets SIGTERM while messages arrive and are being sealed; expects it to say it drains and has drained,
 * to end by itself, and, once started again, every message the broker acknowledged on {@code partner.spain.out}
 * exactly once, nothing in quarantine, no message sealed a second time after a redelivery (no
 * {@code OUTBOUND_ALREADY_SEALED} in the audit trail) and an intact audit chain.
 */
class GracefulShutdownIT {

    /** A safety net only: the sender runs until the broker goes away. */
    private static final int LIMIT = 200_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    @Test
    void sigtermMidTrafficFinishesWhatWasStartedAndLosesNothing() throws Exception {
        int broker = GatewayTestSupport.freePort();
        int management = GatewayTestSupport.freePort();
        try (GatewayProcess gateway = new GatewayProcess(data, broker, management,
                "--passerelle.shutdown-timeout=60s")) {
            gateway.start(Duration.ofMinutes(2));
            StompTraffic traffic = new StompTraffic(broker, "ofast", "sample-ofast",
                    StompTraffic.newIds("intel-report-to-spain.xml"), LIMIT);
            awaitSealed(200, traffic);
            int sealedAtSignal = sealedCount();
            int stopped = gateway.stop(Duration.ofMinutes(2));
            Exception senderEnd = traffic.awaitEnd(Duration.ofMinutes(1));
            String log = gateway.log();

            assertThat(senderEnd).as("the sender was still sending when the broker went away").isNotNull();
            assertThat(sealedAtSignal).as("signalled mid-traffic: some sealed, not all that were acknowledged")
                    .isBetween(1, traffic.acknowledgedCount() - 1);
            assertThat(log).as("the gateway said it drained\n%s", gateway.tail())
                    .containsPattern("Draining: .* \\d+ exchanges in flight")
                    .containsPattern("Drained: the \\d+ exchanges in flight when draining began have finished")
                    .doesNotContain("Drained after the timeout");
            assertThat(log.indexOf("AMQ221002")).as("the broker stopped (AMQ221002), after the drain")
                    .isGreaterThan(log.indexOf("Drained: "));
            assertThat(stopped).as("exit status after SIGTERM: 128 + 15").isEqualTo(143);
            assertThat(alreadySealed()).as("redelivered after sealing, before the restart").isZero();

            gateway.start(Duration.ofMinutes(2));
            Set<String> acknowledged = traffic.acknowledged();
            List<String> received = StompTraffic.receiveAll(broker, "spain", "partner.spain.out",
                    acknowledged.size());
            assertThat(received).as("nothing twice on partner.spain.out").doesNotHaveDuplicates();
            assertThat(new HashSet<>(received)).as("every acknowledged message on partner.spain.out\n%s",
                    gateway.tail()).containsAll(acknowledged);
            assertThat(traffic.attempted()).as("nothing that was not sent").containsAll(received);
            assertThat(StompTraffic.receiveAll(broker, "admin", "gateway.quarantine", 0,
                    "PasserelleReasonCode")).as("quarantine").isEmpty();
            assertThat(alreadySealed()).as("redelivered after sealing, after the restart").isZero();
            gateway.stop(Duration.ofMinutes(2));
        }
        GatewayProcess.CommandResult verify = GatewayProcess.run(List.of("spring.datasource.url=" + databaseUrl()),
                "audit", "verify");
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("audit trail intact");
    }


    /** Waits until {@code count} messages were sealed, the sender still sending. */
    private void awaitSealed(int count, StompTraffic traffic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (sealedCount() < count) {
            assertThat(traffic.isSending()).as("the sender is sending (%s)", traffic.failure()).isTrue();
            assertThat(System.nanoTime()).as("%d sealed in time", count).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private String databaseUrl() {
        return "jdbc:h2:file:" + data.resolve("db/passerelle") + ";AUTO_SERVER=TRUE";
    }

    /** Outbound copies stored so far, read beside the gateway (its H2 database serves other processes). */
    private int sealedCount() throws Exception {
        return count("select count(*) from message_store where direction = 'OUTBOUND'");
    }

    private int alreadySealed() throws Exception {
        return count("select count(*) from audit_record where event = 'OUTBOUND_ALREADY_SEALED'");
    }

    private int count(String query) throws Exception {
        try (Connection db = DriverManager.getConnection(databaseUrl(), "passerelle", "");
                PreparedStatement statement = db.prepareStatement(query);
                ResultSet count = statement.executeQuery()) {
            count.next();
            return count.getInt(1);
        }
    }
}
