package fr.passerelle.routes.review;

import java.util.Optional;

/** Where review decisions are kept, so that an approved message is released and an approval is never assumed. */
public interface ReviewDecisions {

    /** The decision on this message, if one was made. */
    Optional<ReviewDecision> decision(String messageId);

    /**
     * Records a decision; a message is decided once.
     *
     * @return false if a decision on this message already exists (it is kept unchanged)
     */
    boolean record(ReviewDecision decision);

    /** Forgets a decision whose release could not be carried out, so that it can be made again. */
    void withdraw(String messageId);
}
