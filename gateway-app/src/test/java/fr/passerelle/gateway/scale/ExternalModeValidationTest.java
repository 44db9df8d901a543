package fr.passerelle.gateway.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.GatewayTestSupport;

/** Bad broker mode settings stop start-up with a message naming the key at fault, and never repeat a secret. */
class ExternalModeValidationTest {

    @TempDir
    Path data;

    private void start(String... overrides) {
        GatewayTestSupport.startAndClose(data, overrides);
    }

    @Test
    void anUnknownModeNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.mode=clustered"))
                .hasStackTraceContaining("passerelle.broker.mode").hasStackTraceContaining("clustered");
    }

    @Test
    void externalModeWithoutUrlNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.mode=external",
                "--passerelle.broker.gateway-password=" + ScaleOut.GATEWAY_PASSWORD))
                .hasStackTraceContaining("passerelle.broker.url");
    }

    @Test
    void externalModeWithoutGatewayPasswordNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.mode=external",
                "--passerelle.broker.url=tcp://127.0.0.1:61616"))
                .hasStackTraceContaining("passerelle.broker.gateway-password");
    }

    /** A password in the URL would end up in logs and health details: refused, and not repeated in the message. */
    @Test
    void aUrlWithCredentialsIsRefusedWithoutRepeatingThem() {
        for (String url : List.of("tcp://127.0.0.1:61616?user=gateway&password=hunter2-secret",
                "(tcp://127.0.0.1:61616,tcp://127.0.0.1:61626)?ha=true&sslPassword=hunter2-secret",
                "tcp://gateway:hunter2-secret@127.0.0.1:61616")) {
            Throwable refused = catchThrowable(() -> start(
                    "--passerelle.broker.mode=external", "--passerelle.broker.url=" + url,
                    "--passerelle.broker.gateway-password=" + ScaleOut.GATEWAY_PASSWORD));
            assertThat(refused).as(url).hasStackTraceContaining("passerelle.broker.url")
                    .hasStackTraceContaining("must not hold a user or a password");
            assertThat(stackTrace(refused)).as(url).doesNotContain("hunter2-secret");
        }
    }

    @Test
    void aUrlThatIsNotTcpNamesTheKey() {
        assertThatThrownBy(() -> start("--passerelle.broker.mode=external",
                "--passerelle.broker.url=vm://0",
                "--passerelle.broker.gateway-password=" + ScaleOut.GATEWAY_PASSWORD))
                .hasStackTraceContaining("passerelle.broker.url").hasStackTraceContaining("tcp://");
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter text = new StringWriter();
        thrown.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
