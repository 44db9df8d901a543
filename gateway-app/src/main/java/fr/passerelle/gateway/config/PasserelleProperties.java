package fr.passerelle.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import fr.passerelle.gateway.broker.BrokerSettings;

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
 * @param broker the message broker, embedded or external
 * @param outbound how national services' messages are taken from their queues
 * @param store the message store
 * @param routing how partners' messages are routed to national services
 * @param console the liaison officers' console
 * @param channelDownAfter failed attempts in a row after which a partner's channel shows DOWN in health (it shows
 *     DEGRADED from the first failure)
 * @param channelProbeInterval how long a partner's channel must be idle (no message on its way, no attempt) before
 *     the gateway probes it, and how often it looks; zero: no probes
 * @param shutdownTimeout on shutdown, how long the web server may take to answer the requests it holds, and then
 *     the exchanges in flight to finish, before what is left is cut (and delivered again at the next start)
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
        @Valid @DefaultValue Outbound outbound,
        @Valid @DefaultValue Store store,
        @Valid @DefaultValue Routing routing,
        @Valid @DefaultValue Console console,
        @DefaultValue("3") @Min(1) int channelDownAfter,
        @DefaultValue("PT1M") @NotNull Duration channelProbeInterval,
        @DefaultValue("PT30S") @NotNull Duration shutdownTimeout) {

    /** What a party id looks like: the same rule as the envelope schema. */
    public static final String PARTY_ID = "[a-z][a-z0-9-]{1,31}";

    /** The partners that take their messages from their queue themselves ({@code pull-queue}), sorted. */
    public SortedSet<String> pullQueuePartners() {
        return partners.entrySet().stream().filter(partner -> partner.getValue().channel().pullQueue())
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The outbound flow.
     *
     * @param consumers consumers taking every message of each national queue, side by side (each one also has one
     *     consumer for its URGENT and IMMEDIATE messages alone); each spends part of a message waiting for the
     *     broker's journal and the database, so that several keep the processors busy
     */
    public record Outbound(@DefaultValue("12") @Min(1) @Max(64) int consumers) {
    }

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
     * @param channel how the partner's sealed messages reach it
     * @param senders when the partner is itself a gateway, the names of its services that its envelopes may carry
     *     as sender (it may always send under its own id)
     * @param policy what may be released to the partner; without one, every message up to CONFIDENTIAL, whole
     * @param format the form the partner receives messages in: {@code envelope} (the canonical envelope),
     *     {@code europol-style} (XML) or {@code json}
     */
    public record Partner(@NotNull Path directory, @DefaultValue("cms") @NotEmpty String profile,
            @Valid @DefaultValue Channel channel, @DefaultValue List<@Pattern(regexp = PARTY_ID) String> senders,
            @Valid Policy policy, @DefaultValue("envelope") @NotEmpty String format) {
    }

    /**
     * The releasability policy of a partner. Values are those of the envelope schema.
     *
     * @param maxClassification the highest classification released (UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET)
     * @param allowedTypes the message types released; empty for all
     * @param reviewHandlingCodes handling codes (H0 to H3) that hold a message for a supervisor's review
     * @param forbiddenHandlingCodes handling codes that keep a message from being released to this partner
     * @param legalBasisRequired whether a message must state its legal basis
     * @param allowedBodyParts body parts the partner may receive (persons, organisations, vehicles, vessels,
     *     containers, locations, financial-accounts, seizures, free-text, attachments), the others being removed;
     *     empty for all
     * @param allowedSenders national services that may write to this partner; empty for all
     * @param reviewAlways whether every message to this partner waits for a supervisor's review
     */
    public record Policy(
            @DefaultValue("RESTRICTED") String maxClassification,
            @DefaultValue List<String> allowedTypes,
            @DefaultValue List<String> reviewHandlingCodes,
            @DefaultValue List<String> forbiddenHandlingCodes,
            @DefaultValue("false") boolean legalBasisRequired,
            @DefaultValue List<String> allowedBodyParts,
            @DefaultValue List<String> allowedSenders,
            @DefaultValue("false") boolean reviewAlways) {
    }

    /**
     * The liaison officers' console: plain HTTP on its own port, meant for the local network or a TLS-terminating
     * proxy in front of it.
     *
     * @param address the address it listens on
     * @param port its port
     * @param maxFailedLogins failed logins in a row after which an account is locked for {@code lockout}
     * @param lockout how long a locked account stays locked
     * @param users the console's users, by login name
     */
    public record Console(
            @DefaultValue("127.0.0.1") @NotEmpty String address,
            @DefaultValue("8080") @Min(0) @Max(65535) int port,
            @DefaultValue("5") @Min(1) int maxFailedLogins,
            @DefaultValue("PT15M") @NotNull Duration lockout,
            @DefaultValue Map<String, @Valid ConsoleUser> users) {
    }

    /**
     * One console user.
     *
     * @param passwordHash the password's hash, {@code {bcrypt}$2a$...}; never the password itself
     * @param roles any of OFFICER (its desks only), SUPERVISOR (approves releases, all desks), AUDITOR (reads
     *     everything, changes nothing), ADMIN (quarantine actions, partners' state)
     * @param desks for an OFFICER, the partners whose traffic they see
     */
    public record ConsoleUser(
            @NotEmpty String passwordHash,
            @NotEmpty List<@Pattern(regexp = "OFFICER|SUPERVISOR|AUDITOR|ADMIN") String> roles,
            @DefaultValue List<@Pattern(regexp = PARTY_ID) String> desks) {

        @Override
        public String toString() {
            return "ConsoleUser[roles=" + roles + ", desks=" + desks + "]";
        }
    }

    /**
     * How partners' messages are routed to national services, after explicit recipients and before the default
     * service.
     *
     * @param byCaseReferencePrefix case reference prefix → services (a case reference a service already used in a
     *     message it sent goes to that service first)
     * @param byMessageType message type → services
     */
    public record Routing(
            @DefaultValue Map<String, List<String>> byCaseReferencePrefix,
            @DefaultValue Map<String, List<String>> byMessageType) {
    }

    /**
     * How a partner's sealed messages reach it. With {@code pull-queue} the partner consumes
     * {@code partner.<p>.out} from our broker itself; with the other types the gateway consumes that queue and
     * hands each message over, trying again with back-off while the partner's side fails.
     *
     * @param type {@code pull-queue} (the default), {@code https-push}, {@code amqp} or {@code sftp}
     * @param url https-push: the partner's endpoint ({@code https://host:port/partner/v1/messages}); amqp: the
     *     partner's broker ({@code amqps://host:port}); sftp: the server and folder ({@code sftp://host:port/inbox})
     * @param queue amqp: the queue on the partner's broker
     * @param username amqp: our account on the partner's broker (leave out to be known by our TLS certificate
     *     alone); sftp: our account on the partner's server
     * @param password amqp: that account's password; give it through the environment, never in a shared file
     * @param privateKey sftp: our SSH private key (PEM, PKCS#8, unencrypted), readable by the gateway only
     * @param hostKey sftp: the partner server's public host key (one OpenSSH line), the only key accepted
     * @param timeout how long one attempt may take (connecting, sending, waiting for the answer)
     * @param retry how failed attempts are tried again
     */
    public record Channel(
            @DefaultValue(Channel.PULL_QUEUE) @Pattern(regexp = "pull-queue|https-push|amqp|sftp") String type,
            URI url,
            String queue,
            String username,
            String password,
            Path privateKey,
            Path hostKey,
            @DefaultValue("PT30S") @NotNull Duration timeout,
            @Valid @DefaultValue Retry retry) {

        /** The channel type of a partner that takes its messages from its queue itself. */
        public static final String PULL_QUEUE = "pull-queue";

        /** Whether the partner takes its messages from its queue itself. */
        public boolean pullQueue() {
            return PULL_QUEUE.equals(type);
        }

        @Override
        public String toString() {
            return "Channel[type=" + type + ", url=" + url + ", queue=" + queue + ", username=" + username
                    + ", password=" + (password == null ? "none" : "(set)") + ", privateKey=" + privateKey
                    + ", hostKey=" + hostKey + ", timeout=" + timeout + ", retry=" + retry + "]";
        }
    }

    /**
     * Exponential back-off with jitter for a partner's channel, until a number of attempts or an age of the message.
     *
     * @param initialDelay the wait after the first failed attempt
     * @param multiplier how much longer each next wait is
     * @param maxDelay the longest wait between two attempts
     * @param jitter how far a wait may randomly stray from its nominal value, as a fraction (0.2 = ±20%)
     * @param maxAttempts attempts before the message goes to quarantine with DELIVERY_FAILED
     * @param maxAge age in the partner queue after which the message goes to quarantine with DELIVERY_FAILED
     */
    public record Retry(
            @DefaultValue("PT1S") @NotNull Duration initialDelay,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("PT5M") @NotNull Duration maxDelay,
            @DefaultValue("0.2") double jitter,
            @DefaultValue("100") @Min(1) int maxAttempts,
            @DefaultValue("PT24H") @NotNull Duration maxAge) {
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
     * The message broker: embedded in the gateway (the default), or an external one (a replicated pair of
     * {@code broker} commands, see the README's "Scale-out") that several gateways share as competing consumers.
     *
     * @param mode {@code embedded} (the gateway runs its own broker) or {@code external} (it connects to {@code url})
     * @param host the address the broker's TCP acceptor listens on (the embedded broker, or the {@code broker} command)
     * @param port the port of the TCP acceptor, speaking CORE, AMQP 1.0, STOMP and MQTT
     * @param dataDirectory where the broker journal lives
     * @param maxDeliveryAttempts deliveries of a message the gateway cannot process before it goes to quarantine
     * @param passwords broker account passwords, by account: every service and partner id, and {@code admin}; needed
     *     where a broker runs (embedded mode, the {@code broker} command), not by a gateway in external mode
     * @param url external mode: the brokers to connect to, e.g. {@code (tcp://b1:61616,tcp://b2:61616)?ha=true};
     *     never with credentials in it
     * @param gatewayPassword external mode and the {@code broker} command: the password of the gateway's own broker
     *     account ({@code gateway}), the same on gateways and brokers; give it through the environment
     * @param ha the {@code broker} command: the other broker of the HA pair and the cluster account
     * @param journalBufferTimeout where a broker runs: how long its journal gathers writes before it writes and
     *     syncs them in one go (between 1us and 100ms); every transacted commit waits up to this long plus the disk's
     *     sync
     */
    public record Broker(
            @DefaultValue("embedded") @Pattern(regexp = "embedded|external") String mode,
            @DefaultValue("127.0.0.1") @NotEmpty String host,
            @DefaultValue("61616") @Min(0) @Max(65535) int port,
            @DefaultValue("data/broker") @NotNull Path dataDirectory,
            @DefaultValue("5") @Min(1) @Max(100) int maxDeliveryAttempts,
            @DefaultValue Map<String, String> passwords,
            String url,
            String gatewayPassword,
            @Valid @DefaultValue Ha ha,
            @DefaultValue("500us") @NotNull Duration journalBufferTimeout) {

        @Override
        public String toString() {
            return "Broker[mode=" + mode + ", host=" + host + ", port=" + port + ", dataDirectory=" + dataDirectory
                    + ", maxDeliveryAttempts=" + maxDeliveryAttempts + ", accounts=" + passwords.keySet() + ", url="
                    + url + ", gatewayPassword=" + (gatewayPassword == null ? "none" : "(set)") + ", ha=" + ha
                    + ", journalBufferTimeout=" + journalBufferTimeout + "]";
        }

        /** The journal buffer timeout, refused by its key when out of range. */
        public Duration checkedJournalBufferTimeout() {
            if (!BrokerSettings.acceptsJournalBufferTimeout(journalBufferTimeout)) {
                throw new InvalidConfigurationException("passerelle.broker.journal-buffer-timeout", "is "
                        + journalBufferTimeout + "; it must be " + BrokerSettings.JOURNAL_BUFFER_TIMEOUT_RANGE
                        + " (500us suits a disk that syncs in a millisecond or less)");
            }
            return journalBufferTimeout;
        }
    }

    /**
     * What a broker started by the {@code broker} command needs to form a replicated HA pair with the other one.
     *
     * @param peerHost the other broker's host
     * @param peerPort the other broker's TCP port
     * @param advertisedHost the host gateways and the other broker reach this one at, when {@code host} is a wildcard
     * @param clusterUser the account the two brokers use between themselves
     * @param clusterPassword its password, the same on both brokers; give it through the environment
     */
    public record Ha(
            String peerHost,
            @DefaultValue("61616") @Min(1) @Max(65535) int peerPort,
            String advertisedHost,
            @DefaultValue("passerelle-cluster") @Pattern(regexp = PARTY_ID) String clusterUser,
            String clusterPassword) {

        @Override
        public String toString() {
            return "Ha[peerHost=" + peerHost + ", peerPort=" + peerPort + ", advertisedHost=" + advertisedHost
                    + ", clusterUser=" + clusterUser + ", clusterPassword="
                    + (clusterPassword == null ? "none" : "(set)") + "]";
        }
    }
}
