package fr.passerelle.gateway.sla;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import fr.passerelle.gateway.config.InvalidConfigurationException;
import fr.passerelle.pki.Pem;
import fr.passerelle.pki.PkiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * Everything under {@code passerelle.sla.*}: how long an URGENT or IMMEDIATE outbound message may wait for its
 * partner's acknowledgement, how often that is checked, and where alarms are posted. {@link #check()} refuses, at
 * start, what would break the promise of an alarm within 60 seconds or leak a secret.
 *
 * @param immediate how long an IMMEDIATE message may wait for its partner before it raises an alarm
 * @param urgent how long an URGENT message may wait for its partner before it raises an alarm
 * @param checkInterval how often the watch looks (at most 30 seconds, so that an alarm comes within 60 seconds of
 *     its deadline)
 * @param webhook where each alarm is also posted, if anywhere
 */
@Validated
@ConfigurationProperties("passerelle.sla")
public record SlaProperties(
        @DefaultValue("PT5M") @NotNull Duration immediate,
        @DefaultValue("PT30M") @NotNull Duration urgent,
        @DefaultValue("PT15S") @NotNull Duration checkInterval,
        @Valid @DefaultValue Webhook webhook) {

    /** The longest check interval that still raises an alarm within 60 seconds of its deadline. */
    static final Duration LONGEST_CHECK_INTERVAL = Duration.ofSeconds(30);

    /**
     * An optional webhook that receives every alarm as a small JSON document (never message content).
     *
     * @param url where alarms are posted: https, or http to a loopback address only; no credentials in it
     * @param timeout how long one post may take (connecting and answering), at most 30 seconds
     * @param ca a PEM file of the CA certificates the webhook's server certificate must chain to; without it the
     *     JVM's default trust store is used
     * @param bearerToken sent as {@code Authorization: Bearer ...} when set; never logged; give it through the
     *     environment ({@code PASSERELLE_SLA_WEBHOOK_BEARER_TOKEN}), never in a shared file
     */
    public record Webhook(URI url, @DefaultValue("PT10S") @NotNull Duration timeout, Path ca, String bearerToken) {

        @Override
        public String toString() {
            return "Webhook[url=" + (url == null ? "none" : SlaWebhook.printable(url)) + ", timeout=" + timeout
                    + ", ca=" + ca + ", bearerToken=" + (bearerToken == null ? "none" : "(set)") + "]";
        }
    }

    /** The time an outbound message of this priority may wait for its partner, or null when it is not watched. */
    public Duration limit(String priority) {
        if ("IMMEDIATE".equals(priority)) {
            return immediate;
        }
        return "URGENT".equals(priority) ? urgent : null;
    }

    /** Refuses a setting that cannot keep the promise or would leak a secret, naming its key. */
    public SlaProperties check() {
        positive("passerelle.sla.immediate", immediate);
        positive("passerelle.sla.urgent", urgent);
        positive("passerelle.sla.check-interval", checkInterval);
        if (checkInterval.compareTo(LONGEST_CHECK_INTERVAL) > 0) {
            throw new InvalidConfigurationException("passerelle.sla.check-interval", "is " + checkInterval
                    + "; it must be " + LONGEST_CHECK_INTERVAL + " or less, so that an alarm is raised within 60"
                    + " seconds of its deadline");
        }
        positive("passerelle.sla.webhook.timeout", webhook.timeout());
        if (webhook.timeout().compareTo(LONGEST_CHECK_INTERVAL) > 0) {
            throw new InvalidConfigurationException("passerelle.sla.webhook.timeout", "is " + webhook.timeout()
                    + "; it must be " + LONGEST_CHECK_INTERVAL + " or less, so that a webhook that does not answer"
                    + " does not hold the next check back");
        }
        if (webhook.url() != null) {
            checkUrl(webhook.url());
        }
        if (webhook.ca() != null) {
            if (webhook.url() == null || !"https".equalsIgnoreCase(webhook.url().getScheme())) {
                throw new InvalidConfigurationException("passerelle.sla.webhook.ca",
                        "is only used with an https passerelle.sla.webhook.url");
            }
            if (!Files.isReadable(webhook.ca())) {
                throw new InvalidConfigurationException("passerelle.sla.webhook.ca", webhook.ca()
                        + " cannot be read");
            }
            try {
                Pem.readCertificates(webhook.ca());
            } catch (PkiException e) {
                throw new InvalidConfigurationException("passerelle.sla.webhook.ca", e.getMessage());
            }
        }
        String token = webhook.bearerToken();
        if (token != null && (token.isBlank() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            // Checked without ever printing the token: a line break in it would let it inject headers.
            throw new InvalidConfigurationException("passerelle.sla.webhook.bearer-token",
                    "must be printable ASCII without spaces or line breaks");
        }
        return this;
    }

    private static void checkUrl(URI url) {
        String key = "passerelle.sla.webhook.url";
        // Never echoed when it carries user information: that part is a secret.
        if (url.getRawUserInfo() != null) {
            throw new InvalidConfigurationException(key, "must not carry credentials (user:password@): give a token"
                    + " in passerelle.sla.webhook.bearer-token instead");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new InvalidConfigurationException(key, SlaWebhook.printable(url)
                    + " is not an absolute https URL with a host");
        }
        if (scheme.equals("http") && !loopback(url.getHost())) {
            throw new InvalidConfigurationException(key, SlaWebhook.printable(url)
                    + " must use https: plain http is allowed to a loopback address only");
        }
    }

    /** Whether a host is this machine, decided from its name or literal address alone (no DNS query). */
    static boolean loopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false;
        }
        try {
            // A literal address: getByName parses it without looking anything up.
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void positive(String key, Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            throw new InvalidConfigurationException(key, "is " + duration + "; it must be longer than zero");
        }
    }
}
