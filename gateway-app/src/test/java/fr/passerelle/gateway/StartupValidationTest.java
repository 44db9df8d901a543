package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;

/** Bad configuration stops start-up with a message naming the key at fault. */
class StartupValidationTest {

    @TempDir
    Path data;

    private void start(String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "--passerelle.broker.port=" + GatewayTestSupport.freePort(),
                "--passerelle.broker.data-directory=" + data.resolve("broker"),
                "--passerelle.store.key-file=" + data.resolve("store.key"),
                "--spring.datasource.url=jdbc:h2:mem:startup-" + System.nanoTime(),
                "--server.port=0", "--management.server.port=0"));
        args.addAll(List.of(overrides));
        SpringApplication.run(GatewayApplication.class, args.toArray(String[]::new)).close();
    }

    @Test
    void missingPartnerFolderNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.directory=/nowhere/spain"))
                .hasStackTraceContaining("passerelle.partners.spain.directory")
                .hasStackTraceContaining("/nowhere/spain/ca.pem");
    }

    @Test
    void missingIdentityKeyNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.identity.directory=certs-sample/spain-missing"))
                .hasStackTraceContaining("passerelle.identity.directory");
    }

    @Test
    void missingBrokerPasswordNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.passwords.spain="))
                .hasStackTraceContaining("passerelle.broker.passwords.spain");
    }

    @Test
    void defaultServiceMustBeAService() {
        assertThatThrownBy(() -> start("--passerelle.default-service=europol"))
                .hasStackTraceContaining("passerelle.default-service");
    }

    @Test
    void malformedServiceIdNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.services[0]=OFAST.#"))
                .hasStackTraceContaining("passerelle.services[0]");
    }
}
