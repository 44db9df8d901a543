package fr.passerelle.gateway.channel;

import java.util.Map;

import fr.passerelle.routes.channel.PartnerDispatch;

/**
 * The configured push channels, by partner id; closed (connections, clients) when the gateway stops.
 *
 * @param byPartner how each pushed-to partner is reached; pull-queue partners are not here
 */
record PartnerChannels(Map<String, PartnerDispatch> byPartner) implements AutoCloseable {

    PartnerChannels {
        byPartner = Map.copyOf(byPartner);
    }

    @Override
    public void close() {
        byPartner.values().forEach(how -> how.channel().close());
    }
}
