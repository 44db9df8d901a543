package fr.passerelle.gateway.sla;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.config.InvalidConfigurationException;

/**
 * SLA settings that would break the promise of an alarm within 60 seconds, or leak a secret, stop start-up with a
 * message naming the key; a secret in the webhook URL is not repeated in that message.
 */
class SlaStartupValidationTest {

    @TempDir
    Path data;

    private void start(String... overrides) {
        GatewayTestSupport.startAndClose(data, overrides);
    }

    /** A remote webhook over plain http would carry alarms in clear. */
    @Test
    void aPlainHttpWebhookOnAnotherHostIsRefused() {
        assertThatThrownBy(() -> start("--passerelle.sla.webhook.url=http://alerts.example.org/hooks/sla"))
                .hasStackTraceContaining("passerelle.sla.webhook.url").hasStackTraceContaining("must use https");
    }

    /** Credentials in the URL would end up in logs and process listings: refused, and not repeated. */
    @Test
    void credentialsInTheWebhookUrlAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> start("--passerelle.sla.webhook.url=https://ops:s3cret-pw@alerts.example.org/hook"))
                .hasStackTraceContaining("passerelle.sla.webhook.url")
                .hasStackTraceContaining("bearer-token")
                .satisfies(refused -> assertThat(stackTrace(refused)).doesNotContain("s3cret-pw"));
    }

    /** Checking every minute could raise an alarm up to two minutes after its deadline. */
    @Test
    void aCheckIntervalLongerThanThirtySecondsIsRefused() {
        assertThatThrownBy(() -> start("--passerelle.sla.check-interval=PT1M"))
                .hasStackTraceContaining("passerelle.sla.check-interval").hasStackTraceContaining("PT30S");
    }

    /** A CA file that holds no certificate would fail every post: refused at start, not at the first alarm. */
    @Test
    void aWebhookCaFileWithoutCertificatesIsRefused() throws Exception {
        Path ca = Files.writeString(data.resolve("ca.pem"), "not a certificate\n");
        assertThatThrownBy(() -> start("--passerelle.sla.webhook.url=https://alerts.example.org/hook",
                "--passerelle.sla.webhook.ca=" + ca))
                .hasStackTraceContaining("passerelle.sla.webhook.ca");
    }

    /** The same rules, one by one, without starting a gateway. */
    @Test
    void theRulesOneByOne() {
        assertThat(SlaProperties.loopback("127.0.0.1")).isTrue();
        assertThat(SlaProperties.loopback("[::1]")).isTrue();
        assertThat(SlaProperties.loopback("localhost")).isTrue();
        assertThat(SlaProperties.loopback("10.0.0.1")).isFalse();
        assertThat(SlaProperties.loopback("127.0.0.1.example.org")).isFalse();
        assertThatThrownBy(() -> settings("PT5M", "PT15S", "https://alerts.example.org/hook", "two words").check())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("passerelle.sla.webhook.bearer-token").hasMessageNotContaining("two words");
        assertThatThrownBy(() -> settings("PT0S", "PT15S", null, null).check())
                .hasMessageContaining("passerelle.sla.immediate");
        assertThat(settings("PT5M", "PT30S", "http://127.0.0.1:9000/hook", "t0ken").check().webhook().toString())
                .doesNotContain("t0ken");
    }

    private static SlaProperties settings(String immediate, String checkInterval, String url, String token) {
        return new SlaProperties(Duration.parse(immediate), Duration.ofMinutes(30),
                Duration.parse(checkInterval), new SlaProperties.Webhook(
                        url == null ? null : URI.create(url), Duration.ofSeconds(10), null, token));
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter text = new StringWriter();
        thrown.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
