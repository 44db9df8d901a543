package fr.passerelle.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/** The connections to brokers outside the gateway: what the gateway sets unless the URL says otherwise, what it refuses. */
class ExternalBrokerTest {

    private static final String PAIR = "(tcp://10.0.0.1:61616,tcp://10.0.0.2:61616)?ha=true";

    @Test
    void reconnectsForeverAndTakesNoMessageAheadOfAskingByDefault() {
        try (ExternalBroker broker = new ExternalBroker(PAIR, "secret")) {
            ActiveMQConnectionFactory factory = (ActiveMQConnectionFactory) broker.connectionFactory();
            assertThat(factory.getReconnectAttempts()).isEqualTo(-1);
            assertThat(factory.getConsumerWindowSize()).isZero();
            assertThat(factory.getUser()).isEqualTo(BrokerSettings.GATEWAY_USER);
        }
    }

    @Test
    void whatTheUrlSaysWins() {
        try (ExternalBroker broker = new ExternalBroker(PAIR + "&reconnectAttempts=5&consumerWindowSize=65536",
                "secret")) {
            ActiveMQConnectionFactory factory = (ActiveMQConnectionFactory) broker.connectionFactory();
            assertThat(factory.getReconnectAttempts()).isEqualTo(5);
            assertThat(factory.getConsumerWindowSize()).isEqualTo(65536);
        }
    }

    @Test
    void refusesCredentialsInTheUrlWithoutRepeatingThem() {
        assertThatThrownBy(() -> new ExternalBroker("tcp://b:61616?password=hunter2", "secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not hold a user or a password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new ExternalBroker("amqp://b:5672", "secret"))
                .hasMessageContaining("must be a tcp:// URL");
        assertThatThrownBy(() -> new ExternalBroker(PAIR, " "))
                .hasMessageContaining("password is missing");
    }
}
