package fr.passerelle.gateway.sla;

import java.util.Collection;
import java.util.Set;

/**
 * What still waits for a pull-queue partner. Such a partner acknowledges a message by taking it from its queue
 * {@code partner.<p>.out}: a copy that is neither there nor in quarantine was taken.
 */
@FunctionalInterface
public interface PartnerQueues {

    /**
     * Of these messageIds, the ones still in the partner's queue or put in quarantine from it.
     *
     * @throws RuntimeException when the broker cannot be asked; the caller then assumes they all still wait
     */
    Set<String> stillWaiting(String partner, Collection<String> messageIds);
}
