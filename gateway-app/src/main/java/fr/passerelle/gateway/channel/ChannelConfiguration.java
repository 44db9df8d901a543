package fr.passerelle.gateway.channel;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import fr.passerelle.gateway.config.InvalidConfigurationException;
import fr.passerelle.gateway.config.OurTls;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.config.RepeatingTask;
import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.StageTimings;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.channel.AmqpChannel;
import fr.passerelle.routes.channel.ChannelHealth;
import fr.passerelle.routes.channel.ChannelTls;
import fr.passerelle.routes.channel.DispatchRoutes;
import fr.passerelle.routes.channel.HttpsPushChannel;
import fr.passerelle.routes.channel.PartnerChannel;
import fr.passerelle.routes.channel.PartnerDispatch;
import fr.passerelle.routes.channel.ReceiptCheck;
import fr.passerelle.routes.channel.RetryPolicy;
import fr.passerelle.routes.channel.SftpChannel;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.store.MessageStore;

/**
 * The partners' channels from {@code passerelle.partners.<p>.channel}: one dispatch route for every partner that
 * does not pull its queue, and the health of those channels. A channel setting that cannot work stops start-up
 * with its key named.
 */
@Configuration(proxyBeanMethods = false)
class ChannelConfiguration {

    @Bean
    ChannelHealth channelHealth(PasserelleProperties properties, Clock clock) {
        return new ChannelHealth(properties.channelDownAfter(), clock);
    }

    @Bean
    PartnerChannels partnerChannels(PasserelleProperties properties, Parties parties, CmsProfile cms, OurTls ours) {
        Map<String, PartnerDispatch> dispatch = new LinkedHashMap<>();
        properties.partners().forEach((id, configured) -> {
            PasserelleProperties.Channel channel = configured.channel();
            if (!channel.pullQueue()) {
                String key = "passerelle.partners." + id + ".channel";
                dispatch.put(id, new PartnerDispatch(channel(key, id, channel, ours, parties, cms),
                        retry(key + ".retry", channel.retry())));
            }
        });
        return new PartnerChannels(dispatch);
    }

    @Bean
    DispatchRoutes dispatchRoutes(Parties parties, PartnerChannels channels, ChannelHealth health, AuditTrail audit,
            MessageStore store, Clock clock, StageTimings timings, DatabaseAvailability database) {
        return new DispatchRoutes(parties, channels.byPartner(), health, audit, store, clock).withTimings(timings)
                .withAvailability(database);
    }

    @Bean(destroyMethod = "close")
    ChannelProbes channelProbes(PasserelleProperties properties, PartnerChannels channels, ChannelHealth health,
            Clock clock) {
        Map<String, PartnerChannel> byPartner = new LinkedHashMap<>();
        channels.byPartner().forEach((id, how) -> byPartner.put(id, how.channel()));
        return new ChannelProbes(byPartner, health, clock, probeInterval(properties));
    }

    /** Probes idle channels every {@code passerelle.channel-probe-interval}; none when it is zero. */
    @Bean
    RepeatingTask channelProbing(PasserelleProperties properties, ChannelProbes probes) {
        return new RepeatingTask("channel-probes", probeInterval(properties), probes);
    }

    private static Duration probeInterval(PasserelleProperties properties) {
        Duration interval = properties.channelProbeInterval();
        if (interval.isNegative()) {
            throw new InvalidConfigurationException("passerelle.channel-probe-interval", "is " + interval
                    + "; it must be zero (no probes) or longer");
        }
        return interval;
    }

    @Bean("partnerChannelsHealthIndicator")
    ChannelHealthIndicator partnerChannelsHealth(ChannelHealth health) {
        return new ChannelHealthIndicator(health);
    }

    private static PartnerChannel channel(String key, String id, PasserelleProperties.Channel channel, OurTls ours,
            Parties parties, CmsProfile cms) {
        Partner partner = parties.partner(id).orElseThrow();
        URI url = required(key + ".url", channel.url());
        try {
            return switch (channel.type()) {
                case "https-push" -> new HttpsPushChannel(id, partner,
                        new HttpsPushChannel.Settings(url, channel.timeout()), tls(ours, partner),
                        new ReceiptCheck(cms, parties.identity().id()));
                case "amqp" -> new AmqpChannel(id, new AmqpChannel.Settings(url, required(key + ".queue",
                        channel.queue()), channel.username(), channel.password(), channel.timeout()),
                        tls(ours, partner));
                case "sftp" -> new SftpChannel(id, new SftpChannel.Settings(url.getHost(),
                        url.getPort() == -1 ? 22 : url.getPort(), required(key + ".username", channel.username()),
                        readable(key + ".private-key", channel.privateKey()),
                        readable(key + ".host-key", channel.hostKey()), directory(key + ".url", url),
                        channel.timeout()));
                default -> throw new InvalidConfigurationException(key + ".type", "'" + channel.type()
                        + "' is not a channel type; use pull-queue, https-push, amqp or sftp");
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }

    /** Our TLS key and certificate, presented to the partner; the partner's own CAs, the only ones trusted. */
    private static SSLContext tls(OurTls ours, Partner partner) {
        return ChannelTls.clientContext(ours.credential(), ours.chain(), partner.trust());
    }

    private static RetryPolicy retry(String key, PasserelleProperties.Retry retry) {
        try {
            return new RetryPolicy(retry.initialDelay(), retry.multiplier(), retry.maxDelay(), retry.jitter(),
                    retry.maxAttempts(), retry.maxAge());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }

    private static <T> T required(String key, T value) {
        if (value == null || value.toString().isBlank()) {
            throw new InvalidConfigurationException(key, "this channel type needs it");
        }
        return value;
    }

    private static Path readable(String key, Path file) {
        required(key, file);
        if (!Files.isReadable(file)) {
            throw new InvalidConfigurationException(key, "cannot read " + file);
        }
        return file;
    }

    private static String directory(String key, URI url) {
        String path = url.getPath();
        if (!"sftp".equals(url.getScheme()) || url.getHost() == null || path == null || path.length() < 2) {
            throw new InvalidConfigurationException(key, "an sftp channel needs sftp://host[:port]/folder, not " + url);
        }
        return path;
    }
}
