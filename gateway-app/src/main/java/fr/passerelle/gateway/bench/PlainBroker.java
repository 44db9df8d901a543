package fr.passerelle.gateway.bench;

import java.nio.file.Path;
import java.util.List;

import fr.passerelle.gateway.broker.BrokerSettings;
import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.config.BrokerAccounts;
import fr.passerelle.gateway.config.PasserelleProperties;

/**
 * A second broker with the gateway's own configuration (queues, accounts, journal on disk, every message
 * persistent), and forwarders doing the gateway's broker work and nothing else: each takes a message from the
 * national queue and sends it to the partner's queue in one local transaction. It runs beside the gateway, so that
 * its runs and the pipeline's can be made one after the other.
 */
final class PlainBroker implements AutoCloseable {

    private final EmbeddedBroker broker;
    private final Forwarder forwarder;

    private PlainBroker(EmbeddedBroker broker, Forwarder forwarder) {
        this.broker = broker;
        this.forwarder = forwarder;
    }

    /**
     * Starts the broker with its journal in {@code data}, listening on {@code port}, and {@code forwarders}
     * transacted consumers from {@code from} to {@code to}; the gateway's internal account gets a password drawn
     * for this broker only.
     */
    static PlainBroker start(PasserelleProperties properties, Path data, int port, int forwarders, String from,
            String to) throws Exception {
        PasserelleProperties.Broker configured = properties.broker();
        String secret = BrokerAccounts.gatewayPassword();
        EmbeddedBroker broker = new EmbeddedBroker(new BrokerSettings(configured.host(), port, data,
                properties.services(), List.copyOf(properties.partners().keySet()),
                BrokerAccounts.passwords(properties), BrokerSettings.GATEWAY_USER, secret,
                configured.maxDeliveryAttempts(), configured.checkedJournalBufferTimeout()));
        broker.start();
        try {
            return new PlainBroker(broker, new Forwarder(broker.inVmUrl(), BrokerSettings.GATEWAY_USER, secret, from,
                    to, forwarders));
        } catch (Exception | Error e) {
            try {
                broker.stop();
            } catch (Exception stopping) {
                e.addSuppressed(stopping);
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            forwarder.close();
        } finally {
            broker.stop();
        }
    }
}
