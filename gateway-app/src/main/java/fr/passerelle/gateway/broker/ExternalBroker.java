package fr.passerelle.gateway.broker;

import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import jakarta.jms.ConnectionFactory;

/**
 * The gateway's connection to a broker outside its process, usually a replicated pair: its account is
 * {@value BrokerSettings#GATEWAY_USER} with a configured password, and the URL names the brokers only, never a
 * credential (URLs end up in logs and in health details).
 *
 * <p>Unless the URL says otherwise, the connection fails over and reconnects without end
 * ({@code reconnectAttempts=-1}): when the active broker of a pair stops, the client moves to the other one, the
 * transaction in flight is rolled back (the message it consumed is delivered again) and the consumers carry on.
 */
public final class ExternalBroker implements AutoCloseable {

    // Any query parameter that carries a secret: user, password, and the key and trust store passwords.
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)[?&;][a-z]*(user|password|passwd)[a-z]*=");

    private final String url;
    private final ActiveMQConnectionFactory factory;
    private final ActiveMQConnectionFactory notes;

    /**
     * @throws IllegalArgumentException when the URL is missing, holds a credential, or is not an Artemis URL, or
     *     when the password is missing
     */
    public ExternalBroker(String url, String gatewayPassword) {
        this.url = check(url);
        String password = password(gatewayPassword);
        this.factory = gatewayAccount(this.url, password);
        if (!url.contains("consumerWindowSize=")) {
            factory.setConsumerWindowSize(BrokerSettings.CONSUMER_WINDOW_SIZE);
        }
        this.notes = gatewayAccount(this.url, password);
    }

    /** Connections of the gateway's account that reconnect for ever, unless the URL says otherwise. */
    private static ActiveMQConnectionFactory gatewayAccount(String url, String password) {
        ActiveMQConnectionFactory account = new ActiveMQConnectionFactory(url, BrokerSettings.GATEWAY_USER, password);
        if (!url.contains("reconnectAttempts=")) {
            account.setReconnectAttempts(-1);
        }
        return account;
    }

    /** The broker URL is checked before it is parsed, so that no message repeats a URL that holds a secret. */
    static String check(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is missing: in external mode the gateway needs the brokers' URL,"
                    + " e.g. (tcp://broker1:61616,tcp://broker2:61616)?ha=true");
        }
        if (url.contains("@") || SECRET_PARAMETER.matcher(url).find()) {
            throw new IllegalArgumentException("must not hold a user or a password: the gateway's account is '"
                    + BrokerSettings.GATEWAY_USER + "' and its password is passerelle.broker.gateway-password");
        }
        String lower = url.strip().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("tcp://") && !lower.startsWith("(tcp://")) {
            throw new IllegalArgumentException("must be a tcp:// URL or a list (tcp://...,tcp://...), not " + url);
        }
        try (ActiveMQConnectionFactory parsed = new ActiveMQConnectionFactory(url)) {
            return url.strip();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a broker URL (" + e.getMessage() + "): " + url, e);
        }
    }

    private static String password(String password) {
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("the gateway account's password is missing");
        }
        return password;
    }

    /** The connections of the gateway's account; plain, not cached. */
    public ConnectionFactory connectionFactory() {
        return factory;
    }

    /**
     * The same account, for the notes of collections alone: with Artemis's consumer window, so that notes stream to
     * the one consumer that takes them instead of costing a round trip each.
     */
    public ConnectionFactory notesConnectionFactory() {
        return notes;
    }

    @Override
    public void close() {
        factory.close();
        notes.close();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ExternalBroker[" + url + "]";
    }
}
