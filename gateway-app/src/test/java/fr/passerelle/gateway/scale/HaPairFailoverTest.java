package fr.passerelle.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.broker.HaSettings;
import fr.passerelle.gateway.broker.ReplicatedBroker;

/**
 * Two Passerelle brokers as a replicated pair on loopback and a gateway in external mode against them. ofast sends
 * 500 reports for Spain; once the gateway has queued a part of them, the primary is stopped and the backup takes
 * over while the gateway is mid-traffic ({@link ScaleOut#everyReportOnceAcross} says what is expected then).
 * {@code HaPrimaryCrashIT} kills the primary instead.
 */
class HaPairFailoverTest {

    private static final int MESSAGES = 500;

    @TempDir
    Path data;

    private ReplicatedBroker primary;
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
            primary.stop();
        }
    }

    @Test
    void everyMessageIsDeliveredOnceAcrossAFailOver() throws Exception {
        int primaryPort = GatewayTestSupport.freePort();
        int backupPort = GatewayTestSupport.freePort();
        primary = ScaleOut.broker(HaSettings.Role.PRIMARY, data.resolve("primary"), primaryPort, backupPort);
        backup = ScaleOut.broker(HaSettings.Role.BACKUP, data.resolve("backup"), backupPort, primaryPort);
        primary.start();
        assertThat(primary.waitForActivation(Duration.ofSeconds(30))).as("primary active").isTrue();
        backup.start();
        assertThat(ScaleOut.await(Duration.ofSeconds(60), () -> primary.isReplicaSync() && backup.isReplicaSync()))
                .as("backup in sync with the primary").isTrue();
        assertThat(backup.isActive()).as("the backup waits, passive").isFalse();

        String pair = ScaleOut.pairUrl(primaryPort, backupPort);
        gateway = ScaleOut.gateway(pair, data.resolve("gateway"), ScaleOut.h2In(data.resolve("gateway")));
        ScaleOut.everyReportOnceAcross(primary::stop, MESSAGES, pair, backup, gateway);
    }
}
