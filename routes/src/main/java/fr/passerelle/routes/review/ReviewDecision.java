package fr.passerelle.routes.review;

import java.time.Instant;

/**
 * A supervisor's decision on a message held for review.
 *
 * @param messageId the message decided on
 * @param approved true when its release was approved, false when rejected
 * @param decidedBy the person who decided, never the person who submitted the message
 * @param decidedAt when
 * @param comment why, as the supervisor wrote it (shown to the sender on a rejection)
 */
public record ReviewDecision(String messageId, boolean approved, String decidedBy, Instant decidedAt,
        String comment) {
}
