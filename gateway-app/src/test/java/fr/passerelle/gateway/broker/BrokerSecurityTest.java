package fr.passerelle.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.junit.jupiter.api.Test;

class BrokerSecurityTest {

    private final BrokerSecurity security = new BrokerSecurity(new BrokerSettings("127.0.0.1", 61616,
            Path.of("data"), List.of("ofast"), List.of("spain"),
            Map.of("ofast", "sample-ofast", "spain", "sample-spain", "admin", "sample-admin"), "relay",
            "sample-relay", 5));

    /** Only a known account with its own password gets in; no credentials, no entry. */
    @Test
    void onlyKnownAccountsWithTheirPasswordAuthenticate() {
        assertThat(security.authenticate("ofast", "sample-ofast", null, null)).isNotNull();
        assertThat(security.authenticate("ofast", "sample-spain", null, null)).isNull();
        assertThat(security.authenticate("ofast", "sample-ofast ", null, null)).isNull();
        assertThat(security.authenticate("nobody", "sample-ofast", null, null)).isNull();
        assertThat(security.authenticate(null, null, null, null)).isNull();
        assertThat(security.authenticate("ofast", null, null, null)).isNull();
    }

    /** The gateway account holds the gateway role whatever its name, and a permission is granted per role. */
    @Test
    void permissionsFollowTheAccountRole() {
        Role gatewayCanSend = new Role();
        gatewayCanSend.setName(BrokerSettings.GATEWAY_ROLE);
        gatewayCanSend.setSend(true);
        Subject relay = security.authenticate("relay", "sample-relay", null, null);
        Subject ofast = security.authenticate("ofast", "sample-ofast", null, null);

        assertThat(security.authorize(relay, Set.of(gatewayCanSend), CheckType.SEND, "x")).isTrue();
        assertThat(security.authorize(relay, Set.of(gatewayCanSend), CheckType.CONSUME, "x")).isFalse();
        assertThat(security.authorize(ofast, Set.of(gatewayCanSend), CheckType.SEND, "x")).isFalse();
    }
}
