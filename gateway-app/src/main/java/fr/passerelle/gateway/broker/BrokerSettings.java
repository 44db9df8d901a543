package fr.passerelle.gateway.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a Passerelle broker needs, embedded or one of an HA pair: where it listens and stores, which services and
 * partners get queues, and the accounts. Every service and {@code admin} has a broker account of that name, and so
 * does each partner given a password (those that take their messages from their queue); the gateway has its own
 * account besides (over the in-VM connection of the embedded broker, with a password drawn at start; over TCP to a
 * pair, with a configured one).
 *
 * @param host the address the TCP acceptor listens on; {@value #DEFAULT_HOST} when null
 * @param port the port of the TCP acceptor (usually {@value #DEFAULT_PORT})
 * @param dataDirectory parent of the journal, bindings, paging and large-messages folders
 * @param services the national services: each gets {@code national.<s>.out} and {@code national.<s>.in}
 * @param partners the foreign partners: each gets {@code partner.<p>.out}
 * @param passwords password by account: every service and {@code admin}, and the partners that log in (a partner
 *     without one has its queue and no account)
 * @param gatewayUser the gateway's own account
 * @param gatewayPassword its password
 * @param maxDeliveryAttempts failed deliveries of a message before the broker moves it to quarantine
 * @param journalBufferTimeout how long the journal gathers writes before it writes and syncs them to disk in one
 *     go; a commit waits up to this long, plus the disk's sync ({@link #DEFAULT_JOURNAL_BUFFER_TIMEOUT} when null)
 */
public record BrokerSettings(String host, int port, Path dataDirectory, List<String> services, List<String> partners,
        Map<String, String> passwords, String gatewayUser, String gatewayPassword, int maxDeliveryAttempts,
        Duration journalBufferTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 61616;
    /** The operators' account and role. */
    public static final String ADMIN = "admin";
    /** The gateway's own account, as the gateway configures it and as the broker stamps what it sends. */
    public static final String GATEWAY_USER = "gateway";
    /**
     * How many bytes of messages the broker hands the gateway's consumers ahead of their asking: none. A consumer
     * busy with one message (a dispatch lane retrying through a partner's outage, a seal taking its time) would
     * otherwise hold the next ones in its own buffer, out of reach of the lane or gateway that is free, and an
     * IMMEDIATE message there would wait behind the ROUTINE one being retried. With none, each consumer takes the
     * most urgent message waiting when it is ready for one, at the cost of one call to the broker per message.
     */
    public static final int CONSUMER_WINDOW_SIZE = 0;
    /** The role of the gateway account, whatever that account's name. */
    public static final String GATEWAY_ROLE = "gateway";

    /**
     * Artemis's own value for a libaio journal. With its NIO journal (no libaio) Artemis waits 3.3 ms by default,
     * which on a disk that syncs in half a millisecond left every transacted consumer waiting most of its time.
     */
    public static final Duration DEFAULT_JOURNAL_BUFFER_TIMEOUT = Duration.ofNanos(500_000);
    /** The longest journal buffer timeout accepted: beyond it, every commit would wait that long for nothing. */
    public static final Duration MAX_JOURNAL_BUFFER_TIMEOUT = Duration.ofMillis(100);
    /** The journal buffer timeouts accepted, as the refusals say it. */
    public static final String JOURNAL_BUFFER_TIMEOUT_RANGE = "between 1us and " + MAX_JOURNAL_BUFFER_TIMEOUT.toMillis()
            + "ms";

    // Ids become address names and role names: no dots, wildcards or separators may slip in.
    private static final Pattern ACCOUNT_ID = Pattern.compile("[a-z][a-z0-9-]{1,31}");

    /** With the default journal buffer timeout. */
    public BrokerSettings(String host, int port, Path dataDirectory, List<String> services, List<String> partners,
            Map<String, String> passwords, String gatewayUser, String gatewayPassword, int maxDeliveryAttempts) {
        this(host, port, dataDirectory, services, partners, passwords, gatewayUser, gatewayPassword,
                maxDeliveryAttempts, null);
    }

    public BrokerSettings {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
        journalBufferTimeout = journalBufferTimeout == null ? DEFAULT_JOURNAL_BUFFER_TIMEOUT : journalBufferTimeout;
        if (!acceptsJournalBufferTimeout(journalBufferTimeout)) {
            throw new IllegalArgumentException("the journal buffer timeout must be " + JOURNAL_BUFFER_TIMEOUT_RANGE
                    + ", not " + journalBufferTimeout);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("broker port must be between 1 and 65535, not " + port);
        }
        if (dataDirectory == null) {
            throw new IllegalArgumentException("broker data directory is missing");
        }
        services = ids("service", services);
        partners = ids("partner", partners);
        if (maxDeliveryAttempts < 1) {
            throw new IllegalArgumentException("maxDeliveryAttempts must be at least 1, not " + maxDeliveryAttempts);
        }
        if (gatewayUser == null || !ACCOUNT_ID.matcher(gatewayUser).matches()) {
            throw new IllegalArgumentException("gateway user must match " + ACCOUNT_ID + ", not '" + gatewayUser + "'");
        }
        if (gatewayPassword == null || gatewayPassword.isBlank()) {
            throw new IllegalArgumentException("gateway user '" + gatewayUser + "' has no password");
        }

        if (gatewayUser.equals(ADMIN)) {
            throw new IllegalArgumentException("the gateway user cannot be '" + ADMIN + "'");
        }
        // A service or partner named like a privileged role would get that role's rights.
        Set<String> ids = new HashSet<>(List.of(ADMIN, GATEWAY_ROLE, gatewayUser));
        for (String id : concat(services, partners)) {
            if (!ids.add(id)) {
                throw new IllegalArgumentException("'" + id + "' is declared twice or is reserved (" + ADMIN + ", "
                        + GATEWAY_ROLE + ", the gateway user): services and partners need distinct ids");
            }
        }
        if (passwords == null) {
            throw new IllegalArgumentException("broker passwords are missing");
        }
        Map<String, String> known = new HashMap<>();
        for (String id : concat(services, List.of(ADMIN))) {
            String password = passwords.get(id);
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("broker account '" + id + "' has no password");
            }
            known.put(id, password);
        }
        for (String partner : partners) {
            String password = passwords.get(partner);
            if (password != null && !password.isBlank()) {
                known.put(partner, password);
            }
        }
        if (passwords.containsKey(gatewayUser)) {
            throw new IllegalArgumentException("the password of the gateway account '" + gatewayUser
                    + "' is set by the gateway, not among the broker passwords");
        }
        // Entries for accounts that do not exist here are dropped rather than turned into accounts.
        passwords = Map.copyOf(known);
    }

    /** Whether a journal buffer timeout is within {@link #JOURNAL_BUFFER_TIMEOUT_RANGE}. */
    public static boolean acceptsJournalBufferTimeout(Duration timeout) {
        return timeout.toNanos() >= 1000 && timeout.compareTo(MAX_JOURNAL_BUFFER_TIMEOUT) <= 0;
    }

    /** Never shows a password. */
    @Override
    public String toString() {
        return "BrokerSettings[host=" + host + ", port=" + port + ", dataDirectory=" + dataDirectory
                + ", services=" + services + ", partners=" + partners + ", gatewayUser=" + gatewayUser
                + ", maxDeliveryAttempts=" + maxDeliveryAttempts + ", journalBufferTimeout=" + journalBufferTimeout
                + "]";
    }

    private static List<String> ids(String kind, List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("at least one " + kind + " is needed");
        }
        for (String id : ids) {
            if (id == null || !ACCOUNT_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(kind + " id must match " + ACCOUNT_ID + ", not '" + id + "'");
            }
        }
        return List.copyOf(ids);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
