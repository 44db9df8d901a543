package fr.passerelle.gateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;

import fr.passerelle.gateway.GatewayApplication;

/**
 * The gateway as {@code serve} runs it on the embedded defaults and the sample deployment, but with its broker,
 * database and storage key in a throw-away folder and every port free, so that a benchmark never touches
 * {@code ./data/} nor a gateway running beside it.
 */
public final class BenchGateway implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int brokerPort;

    private BenchGateway(ConfigurableApplicationContext context, int brokerPort) {
        this.context = context;
        this.brokerPort = brokerPort;
    }

    /** A database the gateway uses instead of the embedded H2; the password is never printed. */
    public record Database(String url, String user, String password) {
        @Override
        public String toString() {
            return url + " as " + user;
        }
    }

    /**
     * Starts a gateway keeping everything it writes under {@code data}, its database too unless {@code database} (not
     * null) names one.
     */
    public static BenchGateway start(Path data, int brokerPort, Database database) {
        List<String> arguments = new ArrayList<>(List.of(
                "--passerelle.deployment=classpath:sample-deployment.yml",
                "--passerelle.broker.port=" + brokerPort,
                "--passerelle.broker.data-directory=" + data.resolve("broker"),
                "--passerelle.store.key-file=" + data.resolve("store.key"),
                "--passerelle.store.purge-initial-delay=PT24H",
                "--server.port=0",
                "--passerelle.console.port=0",
                "--management.server.port=0",
                "--logging.level.root=WARN",
                // Camel's own start-up summary and Artemis' informational lines would bury the report.
                "--logging.level.org.apache.camel=WARN",
                "--logging.level.org.apache.activemq=WARN"));
        if (database == null) {
            arguments.add("--spring.datasource.url=" + defaultDatabaseUrl().replace("./data/",
                    data.toAbsolutePath() + "/"));
        } else {
            arguments.add("--spring.datasource.url=" + database.url());
            arguments.add("--spring.datasource.username=" + database.user());
            arguments.add("--spring.datasource.password=" + database.password());
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
                .run(arguments.toArray(String[]::new));
        return new BenchGateway(context, brokerPort);
    }

    public int brokerPort() {
        return brokerPort;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    /**
     * The database URL the gateway ships with ({@code application.yml}), whose {@code ./data/} folder a throw-away
     * gateway replaces; the tests start their gateways with it too, so that they run its very options.
     */
    public static String defaultDatabaseUrl() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        String url = yaml.getObject().getProperty("spring.datasource.url");
        if (url == null || !url.contains("./data/")) {
            throw new IllegalStateException("the default spring.datasource.url no longer lives under ./data/: " + url);
        }
        return url;
    }
}
