package fr.passerelle.gateway.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import fr.passerelle.gateway.config.PasserelleProperties;

/**
 * The gateway's configuration as {@code serve} would see it (the built-in {@code application.yml}, then the
 * deployment file ({@code passerelle.deployment}, the built-in sample by default), then {@code ./application.yml},
 * then {@code ./config/application.yml}, then environment variables and system properties), read without starting the gateway, so that {@code seal} and {@code open} use the same keys
 * and partner profiles.
 */
final class ConfigurationFiles {

    /** The key naming the deployment file (identity, partners, services, broker accounts). */
    static final String DEPLOYMENT = "passerelle.deployment";
    /** The deployment used when none is named: the built-in sample. */
    static final String SAMPLE_DEPLOYMENT = "classpath:sample-deployment.yml";

    private ConfigurationFiles() {
    }

    static PasserelleProperties load() {
        return Binder.get(environment()).bind("passerelle", PasserelleProperties.class)
                .orElseThrow(() -> new IllegalArgumentException("no passerelle configuration found"));
    }

    /** The database the gateway is configured with ({@code spring.datasource.*}). */
    static DataSource dataSource() {
        ConfigurableEnvironment environment = environment();
        String url = environment.getRequiredProperty("spring.datasource.url");
        return new DriverManagerDataSource(url, environment.getProperty("spring.datasource.username", ""),
                environment.getProperty("spring.datasource.password", ""));
    }

    private static ConfigurableEnvironment environment() {
        ConfigurableEnvironment environment = new StandardEnvironment();
        addLast(environment, new FileSystemResource("config/application.yml"));
        addLast(environment, new FileSystemResource("application.yml"));
        String deployment = environment.getProperty(DEPLOYMENT, SAMPLE_DEPLOYMENT);
        Resource resource = new DefaultResourceLoader().getResource(deployment.startsWith("classpath:")
                || deployment.startsWith("file:") ? deployment : "file:" + deployment);
        if (!resource.exists()) {
            throw new IllegalArgumentException(DEPLOYMENT + ": " + deployment + " does not exist");
        }
        addLast(environment, resource);
        addLast(environment, new ClassPathResource("application.yml"));
        return environment;
    }

    private static void addLast(ConfigurableEnvironment environment, Resource resource) {
        if (!resource.exists() || (resource instanceof FileSystemResource file && !Files.isRegularFile(Path.of(file.getPath())))) {
            return;
        }
        try {
            for (PropertySource<?> source : new YamlPropertySourceLoader().load(resource.getDescription(), resource)) {
                environment.getPropertySources().addLast(source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource.getDescription(), e);
        }
    }
}
