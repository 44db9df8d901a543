package fr.passerelle.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/** Who gets a broker account: services, admin, and the partners that pull from their queue; no one else. */
@ExtendWith(OutputCaptureExtension.class)
class BrokerAccountsTest {

    private static final List<String> SERVICES = List.of("ofast", "douane", "gendarmerie", "police", "tracfin");

    /** The sample deployment, with {@code overrides} first and the files after it. */
    private static PasserelleProperties sample(Map<String, Object> overrides, Resource... more) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("overrides", overrides));
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        List<Resource> files = new ArrayList<>(List.of(more));
        files.add(new ClassPathResource("sample-deployment.yml"));
        files.add(new ClassPathResource("application.yml"));
        for (Resource file : files) {
            for (PropertySource<?> source : yaml.load(file.getDescription(), file)) {
                environment.getPropertySources().addLast(source);
            }
        }
        return Binder.get(environment).bind("passerelle", PasserelleProperties.class).get();
    }

    @Test
    void everyServiceEveryPullingPartnerAndAdmin() throws IOException {
        assertThat(BrokerAccounts.passwords(sample(Map.of())).keySet()).containsAll(SERVICES)
                .contains("europol", "spain", "morocco", "caribbean", "benelux", "amon", "admin").hasSize(12);
    }

    /** The gateway-pair example: Spain is pushed to over HTTPS, and its emptied password makes no account. */
    @Test
    void aPartnerPushedToHasNoAccount(CapturedOutput output) throws IOException {
        PasserelleProperties pair = sample(Map.of(), new FileSystemResource("examples/gateway-pair/fr.yml"));

        assertThat(BrokerAccounts.passwords(pair)).doesNotContainKey("spain").containsKeys("morocco", "admin");
        assertThat(output).doesNotContain("is not used");
    }

    /** A password left for a partner pushed to is ignored, and said to be. */
    @Test
    void aPasswordLeftForAPartnerPushedToIsIgnoredWithAWarning(CapturedOutput output) throws IOException {
        PasserelleProperties pair = sample(Map.of("passerelle.broker.passwords.spain", "sample-spain"),
                new FileSystemResource("examples/gateway-pair/fr.yml"));

        assertThat(BrokerAccounts.passwords(pair)).doesNotContainKey("spain");
        assertThat(output).contains("passerelle.broker.passwords.spain is not used: spain is reached over https-push")
                .doesNotContain("sample-spain");
    }

    @Test
    void aPullingPartnerWithoutPasswordNamesTheKey() {
        assertThatThrownBy(() -> BrokerAccounts.passwords(sample(Map.of("passerelle.broker.passwords.morocco", ""))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("Invalid configuration passerelle.broker.passwords.morocco:");
        assertThatThrownBy(() -> BrokerAccounts.passwords(sample(Map.of("passerelle.broker.passwords.admin", " "))))
                .hasMessageStartingWith("Invalid configuration passerelle.broker.passwords.admin:");
    }
}
