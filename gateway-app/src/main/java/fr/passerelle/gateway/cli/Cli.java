package fr.passerelle.gateway.cli;

import fr.passerelle.pki.PkiException;
import fr.passerelle.routes.GatewayException;

/** How commands report failure: one line a person can act on, and a non-zero exit status. */
final class Cli {

    /** Exit status of a refused message (reason code printed). */
    static final int REFUSED = 2;
    /** Exit status of a usage, file or configuration problem. */
    static final int FAILED = 1;

    interface Action {
        void run() throws Exception;
    }

    /** Thrown by an action that has already said what went wrong: exit status 1, nothing more printed. */
    static final class Failure extends RuntimeException {
        Failure() {
            super(null, null, false, false);
        }
    }

    private Cli() {
    }

    static int guarded(Action action) {
        try {
            action.run();
            return 0;
        } catch (Failure e) {
            return FAILED;
        } catch (GatewayException e) {
            System.err.println("refused: " + e.reason().name() + ": " + e.reason().sentence());
            System.err.println("detail: " + e.detail());
            return REFUSED;
        } catch (PkiException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return FAILED;
        } catch (java.io.IOException e) {
            System.err.println("error: cannot read or write " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            System.err.println("error: " + e);
            return FAILED;
        }
    }
}
