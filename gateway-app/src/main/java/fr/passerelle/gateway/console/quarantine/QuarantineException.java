package fr.passerelle.gateway.console.quarantine;

/** A quarantine action that cannot be done, and why; the console shows the sentence. */
public class QuarantineException extends RuntimeException {

    /** Why an action was refused. */
    public enum Reason {
        NOT_FOUND("No message with this id is in quarantine; someone may have taken it already."),
        NOT_RELEASABLE("This message cannot be released from quarantine; its page says why."),
        RELEASE_FAILED("The outbound flow could not process the released message; it stays in quarantine.");

        private final String sentence;

        Reason(String sentence) {
            this.sentence = sentence;
        }

        public String sentence() {
            return sentence;
        }
    }

    private final Reason reason;

    public QuarantineException(Reason reason, String id) {
        super(reason.sentence() + " (" + id + ")");
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
