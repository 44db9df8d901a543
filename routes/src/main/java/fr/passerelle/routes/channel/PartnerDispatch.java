package fr.passerelle.routes.channel;

/** How one partner's sealed messages leave its queue: the channel, and how failed attempts are tried again. */
public record PartnerDispatch(PartnerChannel channel, RetryPolicy retry) {
}
