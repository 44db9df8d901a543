package fr.passerelle.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The gateway as a Spring Boot application; started by {@code serve}, the default command. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {
}
