package fr.passerelle.gateway.config;

/** Start-up refused because of one configuration key; the message names it. */
public class InvalidConfigurationException extends RuntimeException {

    private final String key;

    public InvalidConfigurationException(String key, String problem) {
        super("Invalid configuration " + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
