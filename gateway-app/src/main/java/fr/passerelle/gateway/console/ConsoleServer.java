package fr.passerelle.gateway.console;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.config.PasserelleProperties;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The console's own port: a second, plain HTTP connector of the gateway's web server, beside the partner
 * endpoint's mutual-TLS one. Requests are told apart by the connector they came in on, so that console pages are
 * never served on the partner port and the partner endpoint never on the console port.
 */
@Component
public class ConsoleServer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final Connector connector;

    ConsoleServer(PasserelleProperties properties) {
        connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        connector.setPort(properties.console().port());
        connector.setProperty("address", properties.console().address());
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addAdditionalTomcatConnectors(connector);
    }

    /** The port the console listens on, once started (the configured one, or the one chosen for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Whether this request came in on the console's connector. */
    public boolean isConsole(HttpServletRequest request) {
        return request.getLocalPort() == port();
    }
}
