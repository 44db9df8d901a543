package fr.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.TlsClients;

/**
 * The console's doors, from outside over HTTP: every page sends an anonymous visitor to the login form; a wrong
 * password gets nowhere, and five lock the account; the console port serves no partner endpoint, the partner port
 * no console page; health stays open on the management port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "passerelle.console.max-failed-logins=3")
class ConsoleSecurityTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        GatewayTestSupport.register(registry, "console-security");
    }

    @Autowired
    ConsoleServer console;

    @LocalServerPort
    int partnerPort;

    @LocalManagementPort
    int managementPort;

    private String url(String path) {
        return "http://127.0.0.1:" + console.port() + path;
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    /** Without login, each page answers a redirect to /login. */
    @Test
    void everyPageRedirectsToTheLoginForm() throws Exception {
        for (String path : List.of("/", "/messages", "/messages/0e4b5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b", "/review",
                "/quarantine", "/audit", "/partners")) {
            HttpResponse<String> response = browser().send(HttpRequest.newBuilder(URI.create(url(path))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(path).hasValueSatisfying(
                    location -> assertThat(location).endsWith("/login"));
        }
    }

    /** The login form carries a CSRF token, and the strict headers are there. */
    @Test
    void theLoginFormIsProtected() throws Exception {
        HttpResponse<String> form = browser().send(HttpRequest.newBuilder(URI.create(url("/login"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("name=\"_csrf\"").contains("name=\"username\"").contains("name=\"password\"");
        assertThat(form.headers().firstValue("Content-Security-Policy")).hasValue(
                ConsoleSecurity.CONTENT_SECURITY_POLICY);
        assertThat(form.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(form.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    /** A login without the CSRF token is refused, even with the right password. */
    @Test
    void aLoginWithoutTheCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> response = browser().send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=supervisor&password=sample-supervisor")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    /** The right password opens the dashboard; a wrong one gets the form again with an error. */
    @Test
    void theRightPasswordOpensTheConsoleAndAWrongOneDoesNot() throws Exception {
        HttpClient ok = browser();
        assertThat(login(ok, "officer-spain", "sample-officer-spain")).endsWith("/");
        assertThat(ok.send(HttpRequest.newBuilder(URI.create(url("/"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        HttpClient wrong = browser();
        assertThat(login(wrong, "officer-spain", "not-the-password")).endsWith("/login?error");
        assertThat(wrong.send(HttpRequest.newBuilder(URI.create(url("/"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(302);
    }

    /** Three wrong passwords lock the account: even the right one is then refused. */
    @Test
    void repeatedFailuresLockTheAccount() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(login(browser(), "officer-amon", "guess-" + i)).endsWith("/login?error");
        }
        assertThat(login(browser(), "officer-amon", "sample-officer-amon")).endsWith("/login?error");
    }

    /** A supervisor-only page is refused to an officer. */
    @Test
    void anOfficerCannotOpenTheReviewPage() throws Exception {
        HttpClient officer = browser();
        login(officer, "officer-morocco", "sample-officer-morocco");
        assertThat(officer.send(HttpRequest.newBuilder(URI.create(url("/review"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    /** Each port serves its own: no console on the partner port, no partner endpoint on the console port. */
    @Test
    void thePortsDoNotServeEachOther() throws Exception {
        HttpResponse<String> partnerOnConsole = browser().send(HttpRequest.newBuilder(URI.create(
                url("/partner/v1/messages"))).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(partnerOnConsole.statusCode()).isIn(302, 403);

        HttpResponse<String> consoleOnPartner = TlsClients.as("spain").send(HttpRequest.newBuilder(URI.create(
                "https://127.0.0.1:" + partnerPort + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(consoleOnPartner.statusCode()).isEqualTo(403);

        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + managementPort + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    /** Logs in through the form as a browser does; returns where the login sent the browser. */
    private String login(HttpClient client, String user, String password) throws Exception {
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create(url("/login"))).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(csrf.find()).as("CSRF token in the form").isTrue();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(user) + "&password=" + enc(password)
                        + "&_csrf=" + enc(csrf.group(1)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
