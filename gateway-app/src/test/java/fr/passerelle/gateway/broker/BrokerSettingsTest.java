package fr.passerelle.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.core.config.Configuration;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    private static final Path DATA = Path.of("data/broker");

    /** The sample settings are accepted, and a missing host means loopback. */
    @Test
    void sampleSettingsAreAccepted() {
        BrokerSettings settings = new BrokerSettings(null, 61616, DATA, List.of("ofast"), List.of("spain"),
                passwords("ofast", "spain", "admin"), "gateway", "secret", 5);

        assertThat(settings.host()).isEqualTo(BrokerSettings.DEFAULT_HOST);
        assertThat(settings.passwords()).containsOnlyKeys("ofast", "spain", "admin");
    }

    /**
     * Without a journal buffer timeout, both journals (libaio and NIO) gather writes for 500 us; a given one is
     * used as it is, and one out of range is refused.
     */
    @Test
    void theJournalBufferTimeoutReachesBothJournals() {
        BrokerSettings defaults = new BrokerSettings(null, 61616, DATA, List.of("ofast"), List.of("spain"),
                passwords("ofast", "spain", "admin"), "gateway", "secret", 5);
        assertThat(defaults.journalBufferTimeout()).isEqualTo(Duration.ofNanos(500_000));
        Configuration configuration = BrokerConfigurations.base(defaults);
        assertThat(configuration.getJournalBufferTimeout_NIO()).isEqualTo(500_000);
        assertThat(configuration.getJournalBufferTimeout_AIO()).isEqualTo(500_000);

        BrokerSettings given = new BrokerSettings(null, 61616, DATA, List.of("ofast"), List.of("spain"),
                passwords("ofast", "spain", "admin"), "gateway", "secret", 5, Duration.ofMillis(2));
        assertThat(BrokerConfigurations.base(given).getJournalBufferTimeout_NIO()).isEqualTo(2_000_000);

        for (Duration wrong : List.of(Duration.ZERO, Duration.ofNanos(999), Duration.ofMillis(101))) {
            assertThatThrownBy(() -> new BrokerSettings(null, 61616, DATA, List.of("ofast"), List.of("spain"),
                    passwords("ofast", "spain", "admin"), "gateway", "secret", 5, wrong))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the journal buffer timeout must be between 1us and 100ms");
        }
    }

    /** A service or admin without a password is named in the refusal. */
    @Test
    void accountWithoutPasswordIsRefused() {
        assertThatThrownBy(() -> new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast", "douane"),
                List.of("spain"), passwords("ofast", "spain", "admin"), "gateway", "secret", 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("broker account 'douane' has no password");
        assertThatThrownBy(() -> new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast"), List.of("spain"),
                passwords("ofast", "spain"), "gateway", "secret", 5))
                .hasMessage("broker account 'admin' has no password");
    }

    /** A partner without a password has its queue and no account; a password for no party makes no account. */
    @Test
    void aPartnerWithoutPasswordHasNoAccount() {
        BrokerSettings settings = new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast"),
                List.of("spain", "morocco"), passwords("ofast", "morocco", "admin", "stranger"), "gateway", "secret",
                5);
        assertThat(settings.partners()).containsExactly("spain", "morocco");
        assertThat(settings.passwords()).containsOnlyKeys("ofast", "morocco", "admin");
    }

    /** A service or partner cannot take a privileged name, nor an id that would act as an address wildcard. */
    @Test
    void reservedOrMalformedIdsAreRefused() {
        assertThatThrownBy(() -> new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast", "gateway"),
                List.of("spain"), passwords("ofast", "gateway", "spain", "admin"), "gateway", "secret", 5))
                .hasMessageContaining("'gateway' is declared twice or is reserved");
        assertThatThrownBy(() -> new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast"), List.of("admin"),
                passwords("ofast", "admin"), "gateway", "secret", 5))
                .hasMessageContaining("'admin' is declared twice or is reserved");
        assertThatThrownBy(() -> new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast.#"), List.of("spain"),
                passwords("ofast.#", "spain", "admin"), "gateway", "secret", 5))
                .hasMessageContaining("service id must match");
    }

    /** Printing the settings never prints a password. */
    @Test
    void toStringHidesPasswords() {
        BrokerSettings settings = new BrokerSettings("127.0.0.1", 61616, DATA, List.of("ofast"), List.of("spain"),
                passwords("ofast", "spain", "admin"), "gateway", "gateway-secret", 5);

        assertThat(settings.toString()).doesNotContain("sample-", "gateway-secret").contains("ofast", "spain");
    }

    private static Map<String, String> passwords(String... accounts) {
        Map<String, String> passwords = new HashMap<>();
        for (String account : accounts) {
            passwords.put(account, "sample-" + account);
        }
        return passwords;
    }
}
