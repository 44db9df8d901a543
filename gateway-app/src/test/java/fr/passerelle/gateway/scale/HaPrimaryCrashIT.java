package fr.passerelle.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.broker.HaSettings;
import fr.passerelle.gateway.broker.ReplicatedBroker;
import fr.passerelle.gateway.testing.BrokerProcess;

/**
 * The primary of a replicated pair crashes mid-traffic, on the packaged jar: it runs as its own process, the
 * {@code broker} command on the sample configuration, and is killed with {@code kill -9}, so that it neither hands
 * over nor finishes what it was writing. The backup, in sync before, takes over; the gateway fails over to it. The
 * same expectations as a stopped primary ({@link ScaleOut#everyReportOnceAcross}): every report once, nothing
 * quarantined, the audit chain intact.
 */
class HaPrimaryCrashIT {

    private static final int MESSAGES = 500;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    private BrokerProcess primary;
    private ReplicatedBroker backup;
    private ConfigurableApplicationContext gateway;

    @AfterEach
    void stopAll() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (backup != null) {
            backup.stop();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    void aKilledPrimaryLosesNothingAndSendsNothingTwice() throws Exception {
        int primaryPort = GatewayTestSupport.freePort();
        int backupPort = GatewayTestSupport.freePort();
        primary = new BrokerProcess(data, "primary", primaryPort, backupPort, Map.of(
                "PASSERELLE_BROKER_GATEWAYPASSWORD", ScaleOut.GATEWAY_PASSWORD,
                "PASSERELLE_BROKER_HA_CLUSTERPASSWORD", ScaleOut.CLUSTER_PASSWORD));
        assertThat(primary.start(Duration.ofMinutes(1))).as("the broker command's start line").endsWith(
                ": active; SIGTERM hands over and stops it");
        backup = ScaleOut.broker(HaSettings.Role.BACKUP, data.resolve("backup"), backupPort, primaryPort);
        backup.start();
        assertThat(ScaleOut.await(Duration.ofSeconds(60), backup::isReplicaSync))
                .as("backup in sync with the primary\n%s", primary.tail()).isTrue();
        assertThat(backup.isActive()).as("the backup waits, passive").isFalse();

        String pair = ScaleOut.pairUrl(primaryPort, backupPort);
        gateway = ScaleOut.gateway(pair, data.resolve("gateway"), ScaleOut.h2In(data.resolve("gateway")));
        ScaleOut.everyReportOnceAcross(primary::kill, MESSAGES, pair, backup, gateway);
    }
}
