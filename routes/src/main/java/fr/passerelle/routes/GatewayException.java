package fr.passerelle.routes;

/** A message refused for a known reason. The detail names what was wrong, never secret material. */
public class GatewayException extends RuntimeException {

    private final ReasonCode reason;

    public GatewayException(ReasonCode reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public GatewayException(ReasonCode reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    /** The detail, or the reason's sentence when there is no detail. */
    public String detail() {
        return getMessage() == null ? reason.sentence() : getMessage();
    }
}
