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
                "--server.port=0", "--management.server.port=0", "--passerelle.console.port=0"));
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
    void aPushChannelWithoutUrlNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=https-push"))
                .hasStackTraceContaining("passerelle.partners.spain.channel.url");
    }

    @Test
    void aPlainHttpPushChannelIsRefused() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=https-push",
                "--passerelle.partners.spain.channel.url=http://127.0.0.1:9443/partner/v1/messages"))
                .hasStackTraceContaining("passerelle.partners.spain.channel").hasStackTraceContaining("https");
    }

    @Test
    void anSftpChannelWithoutItsKeyFileNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=sftp",
                "--passerelle.partners.spain.channel.url=sftp://127.0.0.1:2222/inbox",
                "--passerelle.partners.spain.channel.username=fr",
                "--passerelle.partners.spain.channel.private-key=/nowhere/id_ecdsa"))
                .hasStackTraceContaining("passerelle.partners.spain.channel.private-key");
    }

    @Test
    void anUnknownChannelTypeNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=carrier-pigeon"))
                .hasStackTraceContaining("partners[spain].channel.type").hasStackTraceContaining("carrier-pigeon");
    }

    @Test
    void aBadRetrySettingNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.partners.spain.channel.type=https-push",
                "--passerelle.partners.spain.channel.url=https://127.0.0.1:9443/partner/v1/messages",
                "--passerelle.partners.spain.channel.retry.jitter=1.5"))
                .hasStackTraceContaining("passerelle.partners.spain.channel.retry").hasStackTraceContaining("jitter");
    }

    @Test
    void ourOwnIdIsNotAPartner() {
        assertThatThrownBy(() -> start("--passerelle.partners.fr.directory=certs-sample/fr",
                "--passerelle.broker.passwords.fr=sample-fr"))
                .hasStackTraceContaining("passerelle.partners.fr").hasStackTraceContaining("own id");
    }

    @Test
    void aDeploymentFileThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> start("--passerelle.deployment=file:/nowhere/deployment.yml"))
                .hasStackTraceContaining("/nowhere/deployment.yml");
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
