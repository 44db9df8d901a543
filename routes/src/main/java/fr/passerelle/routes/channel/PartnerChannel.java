package fr.passerelle.routes.channel;

/**
 * One way of handing a partner its sealed messages, other than letting it pull them from its queue. The
 * dispatcher calls {@link #deliver} once per attempt, retries on {@link ChannelException}, and quarantines the
 * message on a {@link fr.passerelle.routes.GatewayException}.
 */
public interface PartnerChannel extends AutoCloseable {

    /**
     * Hands one sealed message to the partner.
     *
     * @return what the partner gave back: a short detail for the audit trail and, when the channel carries one,
     *     the partner's signed receipt, already verified
     * @throws ChannelException when the message could not be handed over this time (unreachable, refused
     *     connection, timeout, server error): the dispatcher tries again later
     * @throws fr.passerelle.routes.GatewayException when the partner's answer proves something is wrong (an invalid
     *     receipt, a refusal of the message itself): trying again would not help
     */
    Delivery deliver(Outgoing message);

    /**
     * Checks, without sending a message, that the channel could take one now: the partner's server answers, proves
     * it is the partner's and accepts us. The gateway probes a channel that has been idle a while, so that a channel
     * that broke in a quiet hour shows in health before a message needs it, and one that came back shows UP again.
     *
     * @return what was checked, for the log (never a secret)
     * @throws ChannelException when the channel could not take a message now, saying why
     */
    String probe();

    /** What this channel is, for logs, health and the audit trail, never with a secret: e.g. {@code sftp sftp.example:22/in}. */
    String describe();

    @Override
    default void close() {
    }
}
