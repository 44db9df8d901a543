package fr.passerelle.gateway.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import fr.passerelle.gateway.GatewayTestSupport;
import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.review.ReviewService;
import fr.passerelle.gateway.testing.AmqpClient;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.CmsProfile;
import jakarta.jms.Message;

/**
 * The console in a real browser (headless Chromium), against the whole gateway: its embedded broker, its
 * database, its routes. Messages are seeded as national services send them, over AMQP; the console is used as a
 * liaison officer or a supervisor uses it, by typing and clicking.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleBrowserTest {

    private static int brokerPort;
    private static Browser browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        brokerPort = GatewayTestSupport.register(registry, "console-browser");
    }

    @Autowired
    ConsoleServer console;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ReviewService review;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void freshBrowser() {
        browser.reset(console.port());
    }

    /** Whatever a test did, no page broke the Content-Security-Policy or threw a script error. */
    @AfterEach
    void noPageComplained() {
        assertThat(browser.consoleErrors()).as("errors logged by the pages").isEmpty();
    }

    /**
     * Opens /, /messages and /review without logging in; expects each to land on /login, whose form has a
     * labelled user name field, a labelled password field and the CSRF token.
     */
    @Test
    void withoutLoginEveryPageLeadsToTheLoginForm() {
        for (String page : List.of("/", "/messages", "/review")) {
            browser.open(page);
            assertThat(browser.path()).as(page).isEqualTo("/login");
        }
        WebElement form = browser.driver().findElement(By.cssSelector("form[action$='/login']"));
        for (String field : List.of("username", "password")) {
            WebElement input = form.findElement(By.name(field));
            assertThat(input.isDisplayed()).as(field).isTrue();
            assertThat(form.findElements(By.cssSelector("label[for='" + input.getDomAttribute("id") + "']")))
                    .as("label of " + field).hasSize(1);
        }
        assertThat(form.findElement(By.name("password")).getDomAttribute("type")).isEqualTo("password");
        assertThat(form.findElements(By.cssSelector("input[type=hidden][name='_csrf']"))).hasSize(1);
    }

    /**
     * Logs in with a wrong password; expects to stay on /login with the error shown, and no session: the dashboard
     * still sends back to the login form.
     */
    @Test
    void aWrongPasswordStaysOnTheLoginFormWithTheErrorShown() {
        browser.login("officer-caribbean", "not-the-password");

        assertThat(browser.path()).isEqualTo("/login");
        assertThat(browser.driver().findElement(By.cssSelector("[role=alert]")).getText())
                .contains("Wrong user name or password");
        browser.open("/");
        assertThat(browser.path()).isEqualTo("/login");
    }

    /**
     * Logs in as officer-spain, then out; expects the dashboard with the user's name in the header, then the
     * login form saying so, and no way back in without a new login.
     */
    @Test
    void anOfficerLogsInAndOut() {
        browser.login("officer-spain");

        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.heading().getText()).isEqualTo("Dashboard");
        assertThat(browser.driver().findElement(By.cssSelector("header .user")).getText()).isEqualTo("officer-spain");

        browser.logout();

        assertThat(browser.driver().findElement(By.cssSelector("[role=status]")).getText()).contains("logged out");
        browser.open("/messages");
        assertThat(browser.path()).isEqualTo("/login");
    }

    /**
     * Seeds a report for Spain (from ofast) and an answer for Morocco (from police); officer-spain finds the Spain
     * one in the list, opens it and sees its classification, handling codes, evaluation and lifecycle; expects the
     * Morocco one to be out of reach: a 404 by URL, just like a message that does not exist, and an empty list
     * when filtering on Morocco.
     */
    @Test
    void anOfficerSeesTheTrafficOfTheirDeskAndNothingElse() throws Exception {
        String spain = send("ofast", "intel-report-to-spain.xml", Map.of());
        String morocco = send("police", "rfi-response-to-morocco.xml", Map.of());
        awaitEvent(spain, "OUTBOUND_QUEUED");
        awaitEvent(morocco, "OUTBOUND_QUEUED");
        browser.login("officer-spain");

        browser.open("/messages");
        assertThat(browser.heading().isDisplayed()).isTrue();
        assertThat(messageLinks()).contains(spain).doesNotContain(morocco);
        browser.driver().findElement(By.cssSelector("main a[href$='/messages/" + spain + "']")).click();

        browser.waitUntil(() -> browser.path().equals("/messages/" + spain));
        assertThat(browser.heading().getText()).contains(spain);
        assertThat(marking("Classification")).isEqualTo("RESTRICTED");
        assertThat(marking("Handling codes")).startsWith("H1");
        assertThat(marking("Evaluation")).startsWith("B2");
        assertThat(main()).contains("OFAST-2026-00042");
        assertThat(browser.driver().findElement(By.cssSelector("main table.timeline")).getText())
                .containsSubsequence("OUTBOUND_RECEIVED", "OUTBOUND_SEALED", "OUTBOUND_QUEUED");

        String unknown = UUID.randomUUID().toString();
        assertThat(browser.status("/messages/" + morocco)).isEqualTo(404)
                .isEqualTo(browser.status("/messages/" + unknown));
        browser.open("/messages/" + morocco);
        assertThat(browser.driver().getPageSource()).doesNotContain("MA-DGSN-2026/0311").doesNotContain("RFI_RESPONSE")
                .doesNotContain("VF1MA000000000001");
        assertThat(browser.consoleErrors()).as("nothing but the refused pages").allSatisfy(error -> assertThat(error)
                .containsAnyOf("/messages/" + morocco + " ", "/messages/" + unknown + " ").contains(" 404 "));

        for (String filtered : List.of("/messages?partner=morocco", "/messages?caseReference=MA-DGSN-2026/0311")) {
            browser.open(filtered);
            assertThat(browser.heading().getText()).as(filtered).isEqualTo("Messages");
            assertThat(messageLinks()).as(filtered).isEmpty();
        }
    }

    /**
     * ofast sends an H2 report for Morocco on behalf of officer-morocco, so it waits for review; the supervisor
     * opens /review, writes a comment and clicks approve; expects Morocco to receive exactly what ofast sent, the
     * decision recorded with the supervisor's name and comment, and the message gone from /review.
     */
    @Test
    void aSupervisorApprovesAHeldMessageAndItLeaves() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-h2-to-morocco.xml");
        String id = TestPki.messageIdOf(envelope);
        broker().send("ofast", "national.ofast.out", envelope, Map.of("PasserelleSubmitter", "officer-morocco"));
        browser.waitUntil(() -> review.held(id).isPresent());
        browser.login("supervisor");

        browser.open("/review");
        WebElement approve = browser.driver().findElement(By.id("approve-" + id));
        WebElement form = approve.findElement(By.xpath("./ancestor::form"));
        form.findElement(By.name("comment")).sendKeys("source protected, release agreed");
        approve.click();
        browser.waitUntil(() -> !browser.driver().findElements(By.cssSelector("main [role=status]")).isEmpty());
        assertThat(browser.driver().findElement(By.cssSelector("main [role=status]")).getText()).contains("Approved");

        Message sent = broker().receive("morocco", "partner.morocco.out", "PasserelleMessageId = '" + id + "'",
                30_000);
        assertThat(sent).as("sent to Morocco").isNotNull();
        assertThat(new CmsProfile().open(AmqpClient.bytes(sent), TestPki.identity("morocco").decryption(),
                TestPki.partner("fr").trust()).content()).isEqualTo(envelope);
        assertThat(jdbc.queryForMap("select decided_by, comment from review_decision where message_id = ?", id))
                .containsEntry("DECIDED_BY", "supervisor")
                .containsEntry("COMMENT", "source protected, release agreed");
        browser.open("/review");
        assertThat(browser.heading().isDisplayed()).isTrue();
        assertThat(browser.driver().findElements(By.id("approve-" + id))).isEmpty();
    }

    /**
     * Shrinks the window to 400x800 and opens the dashboard and the message list; expects each to render with its
     * main heading visible and no sideways scrolling of the page itself (wide tables scroll in their own box).
     */
    @Test
    void theDashboardAndTheMessageListWorkOnANarrowScreen() throws Exception {
        awaitEvent(send("ofast", "intel-report-to-spain.xml", Map.of()), "OUTBOUND_QUEUED");
        browser.login("officer-spain");
        browser.driver().manage().window().setSize(new Dimension(400, 800));

        for (String page : List.of("/", "/messages")) {
            browser.open(page);
            assertThat(browser.path()).as(page).isEqualTo(page);
            assertThat(browser.heading().isDisplayed()).as(page).isTrue();
            assertThat(browser.driver().findElement(By.cssSelector("header nav")).isDisplayed()).as(page).isTrue();
            Number pageWidth = (Number) browser.driver().executeScript(
                    "return document.documentElement.scrollWidth;");
            Number windowWidth = (Number) browser.driver().executeScript(
                    "return document.documentElement.clientWidth;");
            assertThat(pageWidth.intValue()).as(page + " scrolls sideways").isLessThanOrEqualTo(
                    windowWidth.intValue());
        }
    }

    /**
     * Seeds traffic for several partners, one held for review, and takes the supervisor's dashboard, message list
     * and one message as screenshots; expects the three PNG files.
     */
    @Test
    void screenshotsOfTheDashboardTheMessageListAndAMessage() throws Exception {
        String shown = send("ofast", "intel-report-to-spain.xml", Map.of());
        List<String> queued = List.of(shown, send("police", "rfi-response-to-morocco.xml", Map.of()),
                send("ofast", "request-for-information-to-europol.xml", Map.of()),
                send("gendarmerie", "alert-to-benelux.xml", Map.of()),
                send("douane", "seizure-notification-to-caribbean.xml", Map.of()));
        String held = send("ofast", "intel-report-h2-to-morocco.xml", Map.of("PasserelleSubmitter", "officer-morocco"));
        queued.forEach(id -> awaitEvent(id, "OUTBOUND_QUEUED"));
        awaitEvent(held, "REVIEW_REQUESTED");
        browser.login("supervisor");

        browser.open("/");
        browser.heading();
        List<Path> files = new ArrayList<>();
        files.add(browser.screenshot("dashboard"));
        browser.open("/messages");
        browser.heading();
        files.add(browser.screenshot("messages"));
        browser.open("/messages/" + shown);
        browser.heading();
        files.add(browser.screenshot("message"));

        for (Path file : files) {
            byte[] png = Files.readAllBytes(file);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).as(file.toString()).isEqualTo("PNG");
        }
    }

    private AmqpClient broker() {
        return new AmqpClient(brokerPort);
    }

    /** Sends a sample under a fresh messageId as {@code service}, on its queue; returns the messageId. */
    private String send(String service, String sample, Map<String, String> properties) throws Exception {
        byte[] envelope = TestPki.sampleWithNewId(sample);
        broker().send(service, "national." + service + ".out", envelope, properties);
        return TestPki.messageIdOf(envelope);
    }

    /** Waits until the audit trail records {@code event} for the message. */
    private void awaitEvent(String messageId, String event) {
        browser.waitUntil(() -> jdbc.queryForObject(
                "select count(*) from audit_record where message_id = ? and event = ?", Integer.class, messageId,
                event) > 0);
    }

    /** The messageIds the page links to. */
    private List<String> messageLinks() {
        return browser.driver().findElements(By.cssSelector("main a[href*='/messages/']")).stream()
                .map(link -> link.getDomAttribute("href"))
                .map(href -> href.substring(href.lastIndexOf('/') + 1))
                .toList();
    }

    private String main() {
        return browser.driver().findElement(By.tagName("main")).getText();
    }

    /** A field of the message's handling section (classification, handling codes, evaluation), as shown. */
    private String marking(String label) {
        return browser.driver().findElement(By.xpath("//main//section[contains(@class, 'marking')]"
                + "//dt[normalize-space() = '" + label + "']/following-sibling::dd[1]")).getText().trim();
    }
}
