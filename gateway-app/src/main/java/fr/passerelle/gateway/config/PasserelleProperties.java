package fr.passerelle.gateway.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Everything under {@code passerelle.*}. Validated at start: a wrong value stops the gateway with a message
 * naming the key.
 *
 * @param identity who this gateway is and where its keys are
 * @param partners the partners, by id; each one's folder holds its CA and encryption certificates
 * @param services the national services that may send and receive through the gateway
 * @param defaultService the service that receives partner messages addressed to no known service
 * @param maxMessageBytes the largest envelope or sealed message accepted, in bytes
 * @param broker the embedded message broker
 * @param store the message store
 */
@Validated
@ConfigurationProperties("passerelle")
public record PasserelleProperties(
        @Valid @NotNull Identity identity,
        @NotEmpty Map<String, @Valid Partner> partners,
        @NotEmpty List<@Pattern(regexp = PARTY_ID) String> services,
        @DefaultValue("ofast") @Pattern(regexp = PARTY_ID) String defaultService,
        @DefaultValue("10485760") @Min(1024) @Max(104857600) int maxMessageBytes,
        @Valid @NotNull Broker broker,
        @Valid @DefaultValue Store store) {

    /** What a party id looks like: the same rule as the envelope schema. */
    public static final String PARTY_ID = "[a-z][a-z0-9-]{1,31}";

    /**
     * This gateway's identity.
     *
     * @param id our party id, as partners know us
     * @param directory folder with {@code ca.pem}, {@code sign.pem/key}, {@code enc.pem/key}, {@code tls.pem/key}
     */
    public record Identity(@DefaultValue("fr") @Pattern(regexp = PARTY_ID) String id, @NotNull Path directory) {
    }

    /**
     * One partner.
     *
     * @param directory folder with the partner's {@code ca.pem} (trust anchors for its signing and TLS
     *     certificates), {@code enc.pem} (the certificate or certificates we encrypt for) and, when its CA
     *     publishes revocations, {@code crl.pem}
     * @param profile the security profile of messages to and from this partner: {@code cms} or {@code xml}
     */
    public record Partner(@NotNull Path directory, @DefaultValue("cms") @NotEmpty String profile) {
    }

    /**
     * The message store: what was exchanged, the plaintext encrypted at rest.
     *
     * @param keyFile the storage key (32 bytes, base64), readable by the gateway's account only
     * @param generateKey whether to create the key file on first start when it does not exist
     * @param retentionDays how long messages are kept, in days; the audit trail is kept regardless
     * @param retentionDaysByPartner a different retention for some partners, in days
     * @param retentionDaysByType a different retention for some message types, in days; the shortest retention
     *     that applies to a message wins
     */
    public record Store(
            @DefaultValue("data/store.key") @NotNull Path keyFile,
            @DefaultValue("true") boolean generateKey,
            @DefaultValue("365") @Min(1) int retentionDays,
            @DefaultValue Map<String, @Min(1) Integer> retentionDaysByPartner,
            @DefaultValue Map<String, @Min(1) Integer> retentionDaysByType) {
    }

    /**
     * The embedded broker.
     *
     * @param host the address the broker's TCP acceptor listens on
     * @param port the port of the TCP acceptor, speaking CORE, AMQP 1.0, STOMP and MQTT
     * @param dataDirectory where the broker journal lives
     * @param maxDeliveryAttempts deliveries of a message the gateway cannot process before it goes to quarantine
     * @param passwords broker account passwords, by account: every service and partner id, and {@code admin}
     */
    public record Broker(
            @DefaultValue("127.0.0.1") @NotEmpty String host,
            @DefaultValue("61616") @Min(0) @Max(65535) int port,
            @DefaultValue("data/broker") @NotNull Path dataDirectory,
            @DefaultValue("5") @Min(1) @Max(100) int maxDeliveryAttempts,
            @NotEmpty Map<String, String> passwords) {

        @Override
        public String toString() {
            return "Broker[host=" + host + ", port=" + port + ", dataDirectory=" + dataDirectory
                    + ", maxDeliveryAttempts=" + maxDeliveryAttempts + ", accounts=" + passwords.keySet() + "]";
        }
    }
}
