package fr.passerelle.gateway.broker;

/**
 * How many messages wait in the broker's queues, as metrics and the console show them: asked of the embedded
 * broker directly, or of an external broker through its management address.
 */
public interface QueueDepths {

    /**
     * How many messages a queue holds now, those being delivered included: a partner queue's backlog, the
     * quarantine's size. Read from the broker itself, without browsing the messages.
     *
     * @throws IllegalArgumentException if the broker has no such queue
     * @throws IllegalStateException if the broker cannot be asked now (stopped, or failing over)
     */
    long messageCount(String queue);

    /**
     * The depth of {@code queue}, or null while the broker cannot be asked (an external broker failing over):
     * for pages, which then show the figure as unknown instead of failing whole.
     */
    static Long ifKnown(QueueDepths depths, String queue) {
        try {
            return depths.messageCount(queue);
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
