package fr.passerelle.gateway.config;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import fr.passerelle.gateway.broker.BrokerSettings;

/**
 * Who logs in to the broker: every national service, {@code admin}, and each partner that takes its messages from
 * its queue ({@code pull-queue}). A partner the gateway delivers to over another channel has no account: it never
 * needs the broker, and an account would let it read its own queue behind the dispatch's back.
 */
public final class BrokerAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAccounts.class);
    private static final String KEY = "passerelle.broker.passwords.";

    private BrokerAccounts() {
    }

    /**
     * The password of each account, from {@code passerelle.broker.passwords}.
     *
     * @throws InvalidConfigurationException naming the first account without a password
     */
    public static Map<String, String> passwords(PasserelleProperties properties) {
        Map<String, String> configured = properties.broker().passwords();
        List<String> accounts = new ArrayList<>(properties.services());
        properties.partners().forEach((partner, how) -> {
            if (how.channel().pullQueue()) {
                accounts.add(partner);
            } else if (!blank(configured.get(partner))) {
                LOG.warn("{}{} is not used: {} is reached over {}, not through the broker, and has no broker"
                        + " account; remove it (or set it empty)", KEY, partner, partner, how.channel().type());
            }
        });
        accounts.add(BrokerSettings.ADMIN);
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String account : accounts) {
            String password = configured.get(account);
            if (blank(password)) {
                throw new InvalidConfigurationException(KEY + account, "every service, every partner that takes"
                        + " its messages from its queue (channel pull-queue) and admin needs a broker password");
            }
            passwords.put(account, password);
        }
        return passwords;
    }

    /**
     * A password for the gateway's own account on an embedded broker, drawn at each start and never written
     * anywhere: 32 random bytes, URL-safe Base64.
     */
    public static String gatewayPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
