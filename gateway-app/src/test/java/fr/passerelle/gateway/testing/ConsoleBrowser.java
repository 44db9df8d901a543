package fr.passerelle.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The console of a running gateway, driven over HTTP as a browser does: form login with a session cookie. */
public final class ConsoleBrowser {

    private final IntSupplier port;

    /** @param port the console's port, read when first needed (a test's gateway may start after this is made) */
    public ConsoleBrowser(IntSupplier port) {
        this.port = port;
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port.getAsInt() + path);
    }

    /** The page at {@code path}, which must answer 200. */
    public String get(HttpClient client, String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(url(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    /** A browser logged in through the form with the sample password. */
    public HttpClient login(String user) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String form = get(client, "/login");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(url("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(user) + "&password="
                        + enc("sample-" + user) + "&_csrf=" + enc(csrf(form)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Location")).as("logged in as " + user).hasValueSatisfying(
                location -> assertThat(location).endsWith("/"));
        return client;
    }

    public static String csrf(String page) {
        Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(token.find()).as("CSRF token on the page").isTrue();
        return token.group(1);
    }

    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
