package fr.passerelle.routes.policy;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The decision to release a message to one partner: it may go, possibly after a supervisor's review, once the
 * parts the partner may not receive are removed. A message that may not go at all is refused instead, by
 * {@link ReleasePolicy}.
 *
 * @param reviewRequired whether a supervisor must approve the release first
 * @param reviewReasons why the review is required, one sentence per reason; empty when no review is required
 * @param toRemove the body parts present in the message that the partner may not receive; empty for none
 */
public record Release(boolean reviewRequired, List<String> reviewReasons, Set<BodyPart> toRemove) {

    /** Copies; a review is required exactly when there is a reason for it. */
    public Release {
        reviewReasons = List.copyOf(reviewReasons);
        if (reviewRequired == reviewReasons.isEmpty()) {
            throw new IllegalArgumentException(reviewRequired
                    ? "a review is required without a reason" : "review reasons are given but no review is required");
        }
        EnumSet<BodyPart> parts = EnumSet.noneOf(BodyPart.class);
        parts.addAll(toRemove);
        toRemove = Collections.unmodifiableSet(parts);
    }

    /** Whether the partner gets a redacted copy rather than the message as sent. */
    public boolean redactionRequired() {
        return !toRemove.isEmpty();
    }
}
