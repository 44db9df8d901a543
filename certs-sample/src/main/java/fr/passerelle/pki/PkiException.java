package fr.passerelle.pki;

/** A certificate or key file that cannot be read or generated. */
public class PkiException extends RuntimeException {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
