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

    /** What this channel is, for logs, health and the audit trail, never with a secret: e.g. {@code sftp sftp.example:22/in}. */
    String describe();

    @Override
    default void close() {
    }
}
