package fr.passerelle.gateway.sla;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import fr.passerelle.pki.Pem;
import fr.passerelle.routes.channel.ChannelTls;

/**
 * Posts an SLA alarm, and later its clearing, to the operators' webhook as a small JSON document: which message,
 * for which partner, how late; never its content. The server is trusted through the JVM's trust store, or only
 * through the configured CA file; there is no way to trust every certificate. TLS versions and cipher suites are
 * those of the partner channels.
 */
public class SlaWebhook {

    /** A post that did not reach the webhook or was not accepted by it; the alarm is posted again later. */
    public static class WebhookException extends Exception {

        WebhookException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final SlaProperties.Webhook settings;
    private final HttpClient http;

    public SlaWebhook(SlaProperties.Webhook settings) {
        this.url = settings.url();
        this.settings = settings;
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(ChannelTls.PROTOCOLS.toArray(String[]::new));
        tls.setCipherSuites(ChannelTls.CIPHER_SUITES.toArray(String[]::new));
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(tlsContext(settings))
                .sslParameters(tls)
                .build();
    }

    /** Posts one alarm; returns when the webhook answered 2xx. */
    public void post(Breach breach) throws WebhookException {
        send(json(breach));
    }

    /** Tells the webhook that an alarm it received cleared; returns when it answered 2xx. */
    public void post(SlaBreaches.Clearance clearance) throws WebhookException {
        send(json(clearance));
    }

    private void send(byte[] body) throws WebhookException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.bearerToken() != null) {
            request.header("Authorization", "Bearer " + settings.bearerToken());
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new WebhookException(printable(url) + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookException("interrupted while posting to " + printable(url), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new WebhookException(printable(url) + " answered " + response.statusCode(), null);
        }
    }

    /** The document posted for a breach: fixed field names, times in ISO-8601 UTC, the wait as a duration. */
    static byte[] json(Breach breach) {
        Map<String, String> fields = fields("SLA_BREACHED", breach);
        fields.put("waited", breach.waited().toString());
        return bytes(fields);
    }

    /** The document posted when an alarm clears: the breach's fields, when it was acknowledged and the wait. */
    static byte[] json(SlaBreaches.Clearance clearance) {
        Map<String, String> fields = fields("SLA_CLEARED", clearance.breach());
        fields.put("acknowledgedAt", clearance.acknowledgedAt().toString());
        fields.put("waited", clearance.waited().toString());
        return bytes(fields);
    }

    private static Map<String, String> fields(String event, Breach breach) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", event);
        fields.put("messageId", breach.messageId());
        fields.put("partner", breach.partner());
        fields.put("priority", breach.priority());
        fields.put("storedAt", breach.storedAt().toString());
        fields.put("deadline", breach.deadline().toString());
        return fields;
    }

    private static byte[] bytes(Map<String, String> fields) {
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a map of strings as JSON", e);
        }
    }

    /** The URL as it may be logged: scheme, host, port and path; never user information nor query. */
    static String printable(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static SSLContext tlsContext(SlaProperties.Webhook settings) {
        try {
            if (settings.ca() == null) {
                return SSLContext.getDefault();
            }
            List<X509Certificate> authorities = Pem.readCertificates(settings.ca());
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the webhook's TLS context: " + e.getMessage(), e);
        }
    }
}
