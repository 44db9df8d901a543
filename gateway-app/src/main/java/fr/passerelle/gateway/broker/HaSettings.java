package fr.passerelle.gateway.broker;

import java.util.regex.Pattern;

/**
 * What a broker of a replicated HA pair adds to {@link BrokerSettings}: its role, how to reach the other broker of
 * the pair, and the cluster account both brokers use between themselves (for replication and topology).
 *
 * @param role {@link Role#PRIMARY} (active first; a graceful stop hands over to the backup) or {@link Role#BACKUP}
 *     (passive, a copy of the primary's journal kept in sync, active when the primary stops or fails)
 * @param peerHost the other broker's host, as this one reaches it
 * @param peerPort the other broker's TCP port
 * @param advertisedHost the host clients and the peer are told to reach this broker at; null for the acceptor's host
 *     (which must then not be a wildcard address)
 * @param clusterUser the cluster account, the same on both brokers; distinct from every other account
 * @param clusterPassword its password, the same on both brokers; whoever holds it has every right on the broker
 */
public record HaSettings(Role role, String peerHost, int peerPort, String advertisedHost, String clusterUser,
        String clusterPassword) {

    /** A broker's place in the pair, as configured (which one is active at a time is a matter of runtime). */
    public enum Role {
        PRIMARY, BACKUP
    }

    /** The cluster account when none is configured. */
    public static final String DEFAULT_CLUSTER_USER = "passerelle-cluster";

    private static final Pattern ACCOUNT = Pattern.compile("[a-z][a-z0-9-]{1,31}");

    public HaSettings {
        if (role == null) {
            throw new IllegalArgumentException("the broker's role (primary or backup) is missing");
        }
        if (peerHost == null || peerHost.isBlank()) {
            throw new IllegalArgumentException("the other broker's host is missing");
        }
        peerHost = peerHost.strip();
        if (peerPort < 1 || peerPort > 65535) {
            throw new IllegalArgumentException("the other broker's port must be between 1 and 65535, not " + peerPort);
        }
        advertisedHost = advertisedHost == null || advertisedHost.isBlank() ? null : advertisedHost.strip();
        clusterUser = clusterUser == null || clusterUser.isBlank() ? DEFAULT_CLUSTER_USER : clusterUser.strip();
        if (!ACCOUNT.matcher(clusterUser).matches()) {
            throw new IllegalArgumentException("the cluster user must match " + ACCOUNT + ", not '" + clusterUser + "'");
        }
        if (clusterPassword == null || clusterPassword.isBlank()) {
            throw new IllegalArgumentException("the cluster password is missing");
        }
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "HaSettings[role=" + role + ", peerHost=" + peerHost + ", peerPort=" + peerPort + ", advertisedHost="
                + advertisedHost + ", clusterUser=" + clusterUser + "]";
    }
}
