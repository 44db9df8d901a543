package fr.passerelle.gateway.review;

/** A review decision that cannot be made, and why; the console shows the sentence. */
public class ReviewException extends RuntimeException {

    /** Why a decision was refused. */
    public enum Reason {
        NOT_HELD("No message with this id is waiting for review."),
        SAME_PERSON("Four eyes: the person who submitted a message cannot approve it; another supervisor must."),
        ALREADY_DECIDED("This message was already decided on."),
        RELEASE_FAILED("The approved message could not be processed; it is still held and can be approved again.");

        private final String sentence;

        Reason(String sentence) {
            this.sentence = sentence;
        }

        public String sentence() {
            return sentence;
        }
    }

    private final Reason reason;

    public ReviewException(Reason reason, String messageId) {
        super(reason.sentence() + " (message " + messageId + ")");
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
