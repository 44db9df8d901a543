package fr.passerelle.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import fr.passerelle.gateway.testing.GatewayProcess;
import fr.passerelle.gateway.testing.StompClient;
import fr.passerelle.routes.TestPki;

/**
 * Structured logs and secrets, on the packaged jar started with {@code --logging.structured.format.console=ecs} and
 * DEBUG for {@code fr.passerelle}: a message sent by {@code ofast}, sealed and queued for Spain, a failed and a
 * successful console login, then SIGTERM. Expects every line of standard output to be one JSON object with a
 * timestamp, level, logger, message and the service name {@code passerelle}; and nowhere in what the process
 * wrote a broker or console password (sample or mistyped), a private key of ours, or the storage key.
 */
class StructuredLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every account of the sample deployment: broker and console passwords are {@code sample-<account>}. */
    private static final List<String> ACCOUNTS = List.of("ofast", "douane", "gendarmerie", "police", "tracfin",
            "europol", "spain", "morocco", "caribbean", "benelux", "amon", "admin", "supervisor", "auditor",
            "officer-europol", "officer-spain", "officer-morocco", "officer-caribbean", "officer-benelux",
            "officer-amon");

    private static final String MISTYPED = "Sample-supervisor-mistyped-41";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path data;

    @Test
    void jsonLinesOnlyAndNoSecretThroughAFullExchange() throws Exception {
        int broker = GatewayTestSupport.freePort();
        int console = GatewayTestSupport.freePort();
        String log;
        String errors;
        try (GatewayProcess gateway = new GatewayProcess(data, broker, GatewayTestSupport.freePort(),
                "--passerelle.console.port=" + console, "--logging.structured.format.console=ecs",
                "--logging.level.fr.passerelle=DEBUG").separateErrors()) {
            gateway.start(Duration.ofMinutes(2));
            byte[] envelope = TestPki.sampleWithNewId("intel-report-to-spain.xml");
            sendAndReceive(broker, envelope);
            assertThat(login(console, "supervisor", MISTYPED)).as("mistyped password refused").contains("/login");
            assertThat(login(console, "supervisor", "sample-supervisor")).as("right password").doesNotContain(
                    "/login");
            gateway.stop(Duration.ofMinutes(2));
            log = gateway.log();
            errors = Files.exists(data.resolve("gateway.err")) ? Files.readString(data.resolve("gateway.err")) : "";
        }

        List<String> lines = log.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("log lines").hasSizeGreaterThan(20);
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.isObject()).as("a JSON object: %s", line).isTrue();
            assertThat(field(entry, "@timestamp")).as("timestamp of %s", line).isNotBlank();
            assertThat(field(entry, "log.level")).as("level of %s", line).isIn("TRACE", "DEBUG", "INFO", "WARN",
                    "ERROR");
            assertThat(field(entry, "log.logger")).as("logger of %s", line).isNotBlank();
            assertThat(entry.has("message")).as("message of %s", line).isTrue();
            assertThat(field(entry, "service.name")).as("service of %s", line).isEqualTo("passerelle");
        }
        assertThat(log).as("the drain is logged too").contains("Draining:").contains("Drained:");

        String everything = log + errors;
        for (Map.Entry<String, String> secret : secrets().entrySet()) {
            assertThat(everything).as("%s is not logged", secret.getKey()).doesNotContain(secret.getValue());
        }
    }

    /** A value of the entry by its ECS name, whether the format nests it ({@code log: {level}}) or not. */
    private static String field(JsonNode entry, String name) {
        JsonNode flat = entry.get(name);
        if (flat != null) {
            return flat.asText();
        }
        JsonNode node = entry;
        for (String part : name.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node == null ? null : node.asText();
    }

    /** What must never appear, by a name for the failure message. */
    private Map<String, String> secrets() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String account : ACCOUNTS) {
            secrets.put("the sample password of " + account, "sample-" + account);
        }
        secrets.put("a mistyped console password", MISTYPED);
        secrets.put("a console password hash", "$2a$");
        secrets.put("a PEM private key marker", "PRIVATE KEY");
        try (Stream<Path> keys = Files.list(TestPki.dir("fr"))) {
            for (Path key : keys.filter(file -> file.toString().endsWith(".key")).toList()) {
                for (String line : Files.readAllLines(key)) {
                    if (!line.startsWith("-----") && line.length() >= 16) {
                        secrets.put("a line of " + key.getFileName(), line);
                    }
                }
            }
        }
        secrets.put("the storage key", Files.readString(data.resolve("store.key")).trim());
        return secrets;
    }

    private static void sendAndReceive(int broker, byte[] envelope) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("persistent", "true");
        headers.put("destination-type", "ANYCAST");
        try (StompClient ofast = new StompClient(Duration.ofSeconds(30))) {
            assertThat(ofast.connect("127.0.0.1", broker, "ofast", "sample-ofast")).isTrue();
            assertThat(ofast.send("national.ofast.out", envelope, headers).is("RECEIPT")).isTrue();
            ofast.disconnect();
        }
        try (StompClient spain = new StompClient(Duration.ofSeconds(30))) {
            assertThat(spain.connect("127.0.0.1", broker, "spain", "sample-spain")).isTrue();
            StompClient.Frame sealed = spain.receiveOne("partner.spain.out", Duration.ofSeconds(60));
            assertThat(sealed).as("sealed and queued for Spain").isNotNull();
            assertThat(sealed.header("PasserelleMessageId")).isEqualTo(TestPki.messageIdOf(envelope));
            spain.disconnect();
        }
    }

    /** Logs in through the form; returns where the console sent the browser next. */
    private static String login(int console, String user, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        URI page = URI.create("http://127.0.0.1:" + console + "/login");
        String form = browser.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
        assertThat(csrf.find()).as("CSRF token on the login page").isTrue();
        List<String> fields = new ArrayList<>();
        fields.add("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
        fields.add("password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
        fields.add("_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8));
        HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(page)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", fields))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("login answered with a redirect").isEqualTo(302);
        return answer.headers().firstValue("Location").orElse("");
    }
}
