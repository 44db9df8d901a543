package fr.passerelle.routes.channel;

import java.net.URI;
import java.time.Duration;

/** Checks the channels' settings share; a refusal names the channel type and what is wrong. */
final class ChannelSettings {

    private ChannelSettings() {
    }

    /** A URL of this scheme, with a host, and without credentials (they never go in a URL). */
    static void requireUrl(URI url, String scheme, String channel) {
        if (url == null) {
            throw new IllegalArgumentException(channel + " url is missing");
        }
        if (!scheme.equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException(channel + " url must use " + scheme + ", not " + url.getScheme());
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException(channel + " url has no host");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(channel + " url must not carry credentials");
        }
    }

    static void requirePositive(Duration timeout, String channel) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(channel + " timeout must be positive");
        }
    }
}
