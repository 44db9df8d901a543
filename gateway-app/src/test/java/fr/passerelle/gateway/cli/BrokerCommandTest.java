package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.PasserelleMain;

/**
 * The {@code broker} command refuses to start without what a pair needs, naming the key, on the sample
 * configuration (which has no gateway or cluster password): it never starts a broker with a default secret.
 */
class BrokerCommandTest {

    private static final String GATEWAY_PASSWORD = "passerelle.broker.gateway-password";
    private static final String CLUSTER_PASSWORD = "passerelle.broker.ha.cluster-password";

    @RegisterExtension
    final CapturedStandardError err = new CapturedStandardError();

    @AfterEach
    void forget() {
        System.clearProperty(GATEWAY_PASSWORD);
        System.clearProperty(CLUSTER_PASSWORD);
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

    /** A backup opens its port only when it takes over: a port already taken is refused at once, naming the key. */
    @Test
    void aPortInUseIsRefusedAtOnceNamingTheKey(@TempDir Path data) throws Exception {
        System.setProperty(GATEWAY_PASSWORD, "gateway-secret-for-tests-only");
        System.setProperty(CLUSTER_PASSWORD, "cluster-secret-for-tests-only");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("broker", "--role", "backup",
                    "--peer", "127.0.0.1:1", "--port", String.valueOf(port), "--data-directory", data.toString()));
            assertThat(code).isEqualTo(Cli.FAILED);
            assertThat(err.text()).contains("Invalid configuration passerelle.broker.port: the broker cannot listen on"
                    + " 127.0.0.1:" + port + " (in use by another process?)");
        }
    }

    @Test
    void anUnknownRoleIsRefused() {
        assertThat(run("broker", "--role", "leader")).isEqualTo(Cli.FAILED);
        assertThat(err.text()).contains("--role must be primary or backup");
    }
}
