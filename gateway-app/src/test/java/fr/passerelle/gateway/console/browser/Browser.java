package fr.passerelle.gateway.console.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.Tools;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver, both found on the PATH: nothing is downloaded, and
 * Selenium Manager is never asked (it only runs when no driver path is given). One browser serves a whole test
 * class; {@link #reset(int)} gives each test an empty cookie jar and the default window.
 *
 * <p>Screenshots go to {@code passerelle.screenshots.dir} when that system property is set (relative to the
 * repository root: {@code -Dpasserelle.screenshots.dir=docs/screenshots}), else to
 * {@code gateway-app/target/screenshots}, so that an ordinary test run leaves the working tree alone.
 */
final class Browser implements AutoCloseable {

    /** The window every test starts with. */
    static final Dimension WINDOW = new Dimension(1280, 800);

    /** Long enough for a busy build machine; a wait ends as soon as its condition holds. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private String origin;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /**
     * Starts headless Chromium; skips the calling test class, loudly, when chromium or chromedriver is not
     * installed, or fails it when {@code PASSERELLE_REQUIRE_TOOLS} is set.
     */
    static Browser start() {
        Tools.assumePresent("chromium");
        Tools.assumePresent("chromedriver");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(onPath("chromedriver").toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(onPath("chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=" + WINDOW.getWidth() + "," + WINDOW.getHeight(),
                // A test browser has no business on the network beyond the console under test.
                "--no-first-run", "--disable-sync", "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try {
            return new Browser(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    private static Path onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(tool + " is not on the PATH"));
    }

    /**
     * Makes the browser fresh for a test of the console at {@code consolePort}: no cookie (so no session), the
     * default window size, a blank page.
     */
    void reset(int consolePort) {
        origin = "http://127.0.0.1:" + consolePort;
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.manage().window().setSize(WINDOW);
        driver.get("about:blank");
        // Reading the log empties it: each test then answers only for the pages it opened.
        driver.manage().logs().get(LogType.BROWSER);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a console page by its path (with any query). */
    void open(String path) {
        driver.get(origin + path);
    }

    /** The path of the page shown now. */
    String path() {
        try {
            return new URI(driver.getCurrentUrl()).getPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query of the page shown now, or null. */
    String query() {
        try {
            return new URI(driver.getCurrentUrl()).getQuery();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Logs in with the sample password of {@code user} and waits until the console has taken it. */
    void login(String user) {
        login(user, "sample-" + user);
        waitUntil(() -> !"/login".equals(path()));
    }

    /** Fills and sends the login form, whatever comes of it. */
    void login(String user, String password) {
        open("/login");
        WebElement form = driver.findElement(By.cssSelector("form[action$='/login']"));
        form.findElement(By.name("username")).sendKeys(user);
        form.findElement(By.name("password")).sendKeys(password);
        String before = driver.getCurrentUrl();
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil(() -> !before.equals(driver.getCurrentUrl()));
    }

    /** Clicks the header's log-out button and waits for the login form. */
    void logout() {
        driver.findElement(By.cssSelector("form.logout button[type=submit]")).click();
        waitUntil(() -> "/login".equals(path()));
    }

    /**
     * The HTTP status of a GET of {@code path} with this browser's session, as the page's own script would see it
     * (a WebDriver cannot read the status of the page it shows).
     */
    int status(String path) {
        Object status = driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {redirect: 'manual', credentials: 'same-origin'})"
                        + ".then(r => done(r.status), e => done(-1));",
                origin + path);
        return ((Number) status).intValue();
    }

    /** The main heading of the page shown now, once it is there. */
    WebElement heading() {
        return new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("main h1")));
    }

    /** Waits, up to a generous limit, until the condition holds; fails the test if it never does. */
    void waitUntil(BooleanSupplier condition) {
        new WebDriverWait(driver, PATIENCE)
                .withMessage(() -> "the browser was at " + driver.getCurrentUrl() + " showing: " + shown())
                .until(ignored -> condition.getAsBoolean());
    }

    /** The page's headings and alerts, to say where a test stood when a wait ran out. */
    private String shown() {
        return driver.findElements(By.cssSelector("h1, [role=alert], [role=status]")).stream()
                .map(WebElement::getText).toList().toString();
    }

    /** The errors pages logged since the last call: script errors and Content-Security-Policy violations among them. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                // The browser asks for an icon on its own; a page did not.
                .filter(message -> !message.contains("/favicon.ico "))
                .toList();
    }

    /** Saves what the window shows as {@code name}.png in the screenshot folder; returns the file. */
    Path screenshot(String name) {
        try {
            Path folder = screenshotFolder();
            Files.createDirectories(folder);
            Path file = folder.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path screenshotFolder() {
        String chosen = System.getProperty("passerelle.screenshots.dir");
        if (chosen != null && !chosen.isBlank()) {
            return TestPki.root().resolve(chosen).normalize();
        }
        try {
            Path testClasses = Path.of(Browser.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return testClasses.getParent().resolve("screenshots");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
