package fr.passerelle.routes;

/**
 * Where the routes report how long each step of a message took, so that operators see which step a slow gateway
 * spends its time in. The routes know nothing of the metrics library; the application gives an implementation.
 */
@FunctionalInterface
public interface StageTimings {

    /** The steps timed, as the outbound flow and dispatch run them. */
    enum Stage {
        /** Size limit, parsing and XSD validation of the envelope. */
        VALIDATE,
        /** The sender check and the releasability policy of every recipient. */
        POLICY,
        /** Redaction, partner format, signing and encryption, and keeping the sealed copy in the store. */
        SEAL,
        /** Handing a sealed message to the partner's channel, its receipt checked, retries included. */
        DISPATCH;

        /** The name in metrics: {@code validate}, {@code policy}, {@code seal}, {@code dispatch}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Timings that go nowhere, for route tests and commands. */
    StageTimings NONE = (stage, nanos) -> {
    };

    /** One message went through {@code stage} in {@code nanos} nanoseconds, whether it passed or was refused. */
    void record(Stage stage, long nanos);
}
