package fr.passerelle.routes.review;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Review decisions kept in memory: for route tests, and for a gateway with no database-backed review. */
public final class InMemoryReviewDecisions implements ReviewDecisions {

    private final Map<String, ReviewDecision> decisions = new ConcurrentHashMap<>();

    @Override
    public Optional<ReviewDecision> decision(String messageId) {
        return Optional.ofNullable(decisions.get(messageId));
    }

    @Override
    public boolean record(ReviewDecision decision) {
        return decisions.putIfAbsent(decision.messageId(), decision) == null;
    }

    @Override
    public void withdraw(String messageId) {
        decisions.remove(messageId);
    }
}
