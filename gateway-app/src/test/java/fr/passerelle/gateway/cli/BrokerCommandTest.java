package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import fr.passerelle.gateway.PasserelleMain;

/**
 * The {@code broker} command refuses to start without what a pair needs, naming the key, on the sample
 * configuration (which has no gateway or cluster password): it never starts a broker with a default secret.
 */
class BrokerCommandTest {

    private static final String GATEWAY_PASSWORD = "passerelle.broker.gateway-password";

    @RegisterExtension
    final CapturedStandardError err = new CapturedStandardError();

    @AfterEach
    void forget() {
        System.clearProperty(GATEWAY_PASSWORD);
    }

    private int run(String... args) {
        return PasserelleMain.commandLine().execute(args);
    }

    @Test
    void withoutTheGatewayPasswordItNamesTheKey() {
        assertThat(run("broker", "--role", "primary", "--peer", "127.0.0.1:61626")).isEqualTo(Cli.FAILED);
        assertThat(err.text()).contains("passerelle.broker.gateway-password");
    }

    @Test
    void withoutTheClusterPasswordItNamesTheKey() {
        System.setProperty(GATEWAY_PASSWORD, "gateway-secret-for-tests-only");
        assertThat(run("broker", "--role", "backup", "--peer", "127.0.0.1:61616")).isEqualTo(Cli.FAILED);
        assertThat(err.text()).contains("passerelle.broker.ha.cluster-password");
    }

    @Test
    void withoutThePeerItNamesTheKey() {
        System.setProperty(GATEWAY_PASSWORD, "gateway-secret-for-tests-only");
        assertThat(run("broker", "--role", "primary")).isEqualTo(Cli.FAILED);
        assertThat(err.text()).contains("passerelle.broker.ha.peer-host");
    }

    @Test
    void anUnknownRoleIsRefused() {
        assertThat(run("broker", "--role", "leader")).isEqualTo(Cli.FAILED);
        assertThat(err.text()).contains("--role must be primary or backup");
    }
}
