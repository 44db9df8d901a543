package fr.passerelle.gateway.review;

import java.sql.Timestamp;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.routes.review.ReviewDecision;
import fr.passerelle.routes.review.ReviewDecisions;

/** Review decisions in the database, so that every gateway instance sees the same approvals. */
public class JdbcReviewDecisions implements ReviewDecisions {

    private final JdbcTemplate jdbc;

    public JdbcReviewDecisions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<ReviewDecision> decision(String messageId) {
        return jdbc.query("select approved, decided_by, decided_at, comment from review_decision where message_id = ?",
                (row, n) -> new ReviewDecision(messageId, row.getBoolean("approved"), row.getString("decided_by"),
                        row.getTimestamp("decided_at").toInstant(), row.getString("comment")), messageId)
                .stream().findFirst();
    }

    @Override
    public boolean record(ReviewDecision decision) {
        try {
            jdbc.update("insert into review_decision (message_id, approved, decided_by, decided_at, comment)"
                    + " values (?, ?, ?, ?, ?)", decision.messageId(), decision.approved(), decision.decidedBy(),
                    Timestamp.from(decision.decidedAt()), decision.comment());
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    @Override
    public void withdraw(String messageId) {
        jdbc.update("delete from review_decision where message_id = ?", messageId);
    }
}
