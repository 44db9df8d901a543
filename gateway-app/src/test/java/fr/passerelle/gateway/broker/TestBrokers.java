package fr.passerelle.gateway.broker;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import fr.passerelle.gateway.GatewayTestSupport;

/** The sample parties and accounts the broker tests run with; every password is {@code sample-<id>}. */
public final class TestBrokers {

    public static final String HOST = "127.0.0.1";
    static final List<String> SERVICES = List.of("ofast", "douane", "gendarmerie", "police", "tracfin");
    static final List<String> PARTNERS = List.of("europol", "spain", "morocco", "caribbean", "benelux", "amon");
    public static final String GATEWAY = "gateway";

    private TestBrokers() {
    }

    public static BrokerSettings settings(Path dataDirectory, int port, int maxDeliveryAttempts) {
        Map<String, String> passwords = new HashMap<>();
        SERVICES.forEach(id -> passwords.put(id, password(id)));
        PARTNERS.forEach(id -> passwords.put(id, password(id)));
        passwords.put(BrokerSettings.ADMIN, password(BrokerSettings.ADMIN));
        return new BrokerSettings(HOST, port, dataDirectory, SERVICES, PARTNERS, passwords, GATEWAY,
                password(GATEWAY), maxDeliveryAttempts);
    }

    public static String password(String account) {
        return "sample-" + account;
    }

    public static int freePort() {
        return GatewayTestSupport.freePort();
    }
}
