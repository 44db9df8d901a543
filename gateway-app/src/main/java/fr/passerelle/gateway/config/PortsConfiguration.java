package fr.passerelle.gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Checks the ports the gateway listens on before anything starts: each one a port, and no two the same. Left to
 * themselves, the web servers fail only once everything else has started, with a message naming no key
 * ({@code standardService.connector.startFailed}), and two servers given one port fail to bind, or, for the
 * management port, serve health and metrics behind the partner endpoint's client-certificate check.
 */
@Configuration(proxyBeanMethods = false)
class PortsConfiguration {

    /** The keys, with the value each one has when it is not set; {@code -1} turns the management server off. */
    private static final Map<String, String> PORTS = new LinkedHashMap<>();

    static {
        PORTS.put("server.port", "8443");
        PORTS.put("management.server.port", "-1");
        PORTS.put("passerelle.console.port", "8080");
        PORTS.put("passerelle.broker.port", "61616");
    }

    /** Runs while the bean definitions are read, before any server is created. */
    @Bean
    static BeanFactoryPostProcessor portsCheck(Environment environment) {
        return beanFactory -> check(environment);
    }

    static void check(Environment environment) {
        Map<Integer, String> taken = new LinkedHashMap<>();
        PORTS.forEach((key, unset) -> {
            String value = environment.getProperty(key, unset).trim();
            int port;
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(key, "'" + value + "' is not a port number");
            }
            int lowest = key.equals("management.server.port") ? -1 : 0;
            if (port < lowest || port > 65535) {
                throw new InvalidConfigurationException(key, port + " is not a port: use 1 to 65535, or 0 for any "
                        + "free port" + (lowest < 0 ? " (-1: no health and metrics server)" : ""));
            }
            String other = port > 0 ? taken.putIfAbsent(port, key) : null;
            if (other != null) {
                throw new InvalidConfigurationException(key, port + " is already " + other
                        + "; each server needs a port of its own");
            }
        });
    }
}
