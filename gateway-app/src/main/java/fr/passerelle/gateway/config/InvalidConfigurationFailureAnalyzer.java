package fr.passerelle.gateway.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a refused configuration into the two lines an operator needs: what is wrong, and where to fix it. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Correct " + cause.key() + " in ./config/application.yml, in the environment (for example "
                        + cause.key().toUpperCase().replace('.', '_').replace('-', '_')
                        + "=...) or as an argument (--" + cause.key() + "=...), then start again.",
                cause);
    }
}
