package fr.passerelle.gateway.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import fr.passerelle.gateway.broker.BrokerSettings;
import fr.passerelle.gateway.broker.BrokerStartException;
import fr.passerelle.gateway.broker.HaSettings;
import fr.passerelle.gateway.broker.ReplicatedBroker;
import fr.passerelle.gateway.config.BrokerAccounts;
import fr.passerelle.gateway.config.InvalidConfigurationException;
import fr.passerelle.gateway.config.PasserelleProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs one broker of a replicated HA pair for gateways in external mode: the queues, accounts, sender stamp and
 * quarantine of the embedded broker, from the same deployment configuration, plus the pair.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run one broker of a replicated pair (primary and backup) that gateways in external mode share:",
            "the queues, accounts and rules of the embedded broker, from the same configuration (services, partners,",
            "passerelle.broker.passwords.*), plus passerelle.broker.gateway-password, passerelle.broker.ha.peer-host,",
            "passerelle.broker.ha.peer-port and passerelle.broker.ha.cluster-password (give secrets through the",
            "environment, e.g. PASSERELLE_BROKER_HA_CLUSTERPASSWORD). Stop it with SIGTERM (Ctrl-C): an active",
            "broker hands over to the other one first.",
            "Example: broker --role primary --port 61616 --peer 10.0.0.2:61616"})
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--role", required = true, paramLabel = "primary|backup",
            description = "This broker's place in the pair.")
    String role;

    @Option(names = "--host", paramLabel = "HOST",
            description = "The address to listen on (default: passerelle.broker.host).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "The port to listen on (default: passerelle.broker.port).")
    Integer port;

    @Option(names = "--data-directory", paramLabel = "DIR",
            description = "Where the journal lives (default: passerelle.broker.data-directory).")
    Path dataDirectory;

    @Option(names = "--peer", paramLabel = "HOST:PORT",
            description = "The other broker (default: passerelle.broker.ha.peer-host and peer-port).")
    String peer;

    @Override
    public Integer call() {
        return Cli.guarded(() -> {
            ReplicatedBroker broker;
            try {
                broker = broker(ConfigurationFiles.load());
            } catch (InvalidConfigurationException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            quietLogs();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    broker.stop();
                } catch (Exception e) {
                    System.err.println("error while stopping the broker: " + e);
                } finally {
                    stopped.countDown();
                }
            }, "passerelle-broker-stop"));
            try {
                broker.start();
            } catch (BrokerStartException e) {
                String key = e.portInUse() ? "passerelle.broker.port" : "passerelle.broker.data-directory";
                throw new IllegalArgumentException(new InvalidConfigurationException(key, e.getMessage())
                        .getMessage(), e);
            }
            System.out.println("broker (" + broker.role().name().toLowerCase(Locale.ROOT) + ") on " + broker.tcpUrl()
                    + ": " + (broker.isActive() ? "active" : "passive, in step with the other broker of the pair")
                    + "; SIGTERM hands over and stops it");
            stopped.await();
        });
    }

    /** The broker this command runs, from the configuration and the options; a missing value names its key. */
    ReplicatedBroker broker(PasserelleProperties properties) {
        HaSettings.Role place = switch (role.toLowerCase(Locale.ROOT)) {
            case "primary" -> HaSettings.Role.PRIMARY;
            case "backup" -> HaSettings.Role.BACKUP;
            default -> throw new IllegalArgumentException("--role must be primary or backup, not " + role);
        };
        PasserelleProperties.Broker configured = properties.broker();
        PasserelleProperties.Ha ha = configured.ha();
        List<String> partners = List.copyOf(properties.partners().keySet());
        Map<String, String> passwords = BrokerAccounts.passwords(properties);
        if (configured.gatewayPassword() == null || configured.gatewayPassword().isBlank()) {
            throw new InvalidConfigurationException("passerelle.broker.gateway-password",
                    "is needed: the password of the gateways' account, the same on the brokers and the gateways");
        }
        String peerHost = ha.peerHost();
        int peerPort = ha.peerPort();
        if (peer != null) {
            int colon = peer.lastIndexOf(':');
            if (colon <= 0 || colon == peer.length() - 1) {
                throw new IllegalArgumentException("--peer must be HOST:PORT, not " + peer);
            }
            peerHost = peer.substring(0, colon).replace("[", "").replace("]", "");
            try {
                peerPort = Integer.parseInt(peer.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--peer must be HOST:PORT, not " + peer);
            }
        }
        if (peerHost == null || peerHost.isBlank()) {
            throw new InvalidConfigurationException("passerelle.broker.ha.peer-host",
                    "is needed (or --peer): the host of the other broker of the pair");
        }
        if (ha.clusterPassword() == null || ha.clusterPassword().isBlank()) {
            throw new InvalidConfigurationException("passerelle.broker.ha.cluster-password",
                    "is needed: the password the two brokers of the pair use between themselves, the same on both");
        }
        BrokerSettings settings = new BrokerSettings(host != null ? host : configured.host(),
                port != null ? port : configured.port(),
                dataDirectory != null ? dataDirectory : configured.dataDirectory(), properties.services(), partners,
                passwords, BrokerSettings.GATEWAY_USER, configured.gatewayPassword(),
                configured.maxDeliveryAttempts(), configured.checkedJournalBufferTimeout());
        return new ReplicatedBroker(settings, new HaSettings(place, peerHost, peerPort, ha.advertisedHost(),
                ha.clusterUser(), ha.clusterPassword()));
    }

    /** Without Spring Boot to configure logging, the broker would log everything it does. */
    private static void quietLogs() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.INFO);
            ((Logger) LoggerFactory.getLogger("org.apache.activemq.audit")).setLevel(Level.WARN);
        }
    }
}
