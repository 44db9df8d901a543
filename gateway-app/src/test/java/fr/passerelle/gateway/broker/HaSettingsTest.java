package fr.passerelle.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What a broker of an HA pair refuses to start with, before any network or disk is touched. */
class HaSettingsTest {

    private static final Path DATA = Path.of("target", "never-created");

    private static HaSettings ha(String clusterUser, String clusterPassword) {
        return new HaSettings(HaSettings.Role.PRIMARY, "127.0.0.1", 61626, null, clusterUser, clusterPassword);
    }

    /** Without a cluster password, Artemis would fall back to its well-known default one. */
    @Test
    void aClusterPasswordIsRequired() {
        assertThatThrownBy(() -> ha(null, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster password");
    }

    @Test
    void neverShowsTheClusterPassword() {
        assertThat(ha(null, "cluster-secret").toString()).doesNotContain("cluster-secret")
                .contains(HaSettings.DEFAULT_CLUSTER_USER);
    }

    /** The cluster account bypasses permissions: an account of that name would inherit every right. */
    @Test
    void theClusterUserCannotBeAnotherAccount() {
        BrokerSettings settings = TestBrokers.settings(DATA, 61616, 5);
        for (String taken : new String[] {"spain", "ofast", "admin", TestBrokers.GATEWAY}) {
            assertThatThrownBy(() -> new ReplicatedBroker(settings, ha(taken, "cluster-secret")))
                    .as(taken).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster user");
        }
    }

    /** Clients and the other broker are told where to reach this one: a wildcard address reaches nobody. */
    @Test
    void aWildcardAcceptorNeedsAnAdvertisedHost() {
        Map<String, String> passwords = new HashMap<>();
        TestBrokers.SERVICES.forEach(id -> passwords.put(id, TestBrokers.password(id)));
        TestBrokers.PARTNERS.forEach(id -> passwords.put(id, TestBrokers.password(id)));
        passwords.put(BrokerSettings.ADMIN, TestBrokers.password(BrokerSettings.ADMIN));
        BrokerSettings everywhere = new BrokerSettings("0.0.0.0", 61616, DATA, TestBrokers.SERVICES,
                TestBrokers.PARTNERS, passwords, TestBrokers.GATEWAY, TestBrokers.password(TestBrokers.GATEWAY), 5);
        assertThatThrownBy(() -> new ReplicatedBroker(everywhere, ha(null, "cluster-secret")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every address");
        ReplicatedBroker advertised = new ReplicatedBroker(everywhere, new HaSettings(HaSettings.Role.BACKUP,
                "10.0.0.1", 61616, "10.0.0.2", null, "cluster-secret"));
        assertThat(advertised.tcpUrl()).isEqualTo("tcp://10.0.0.2:61616");
    }
}
