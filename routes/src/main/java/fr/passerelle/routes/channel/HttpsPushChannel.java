package fr.passerelle.routes.channel;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.seal.Partner;

/**
 * Posts each sealed message to the partner's HTTPS endpoint with mutual TLS, the way partners post to our own
 * {@code /partner/v1/messages}: the server must prove it is the partner's (its certificate chains to the partner's
 * CA and names the host we dialled), and a success must carry the partner's signed receipt for exactly the bytes
 * sent. Busy or unreachable servers are retried later; a 4xx is the partner refusing the message itself.
 */
public final class HttpsPushChannel implements PartnerChannel {

    /** The most of an answer we read: a receipt is a few kilobytes, and a partner must not make us buffer more. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    /** How much of a refusal's body goes into the audit detail. */
    static final int EXCERPT_CHARS = 200;

    private static final Pattern JSON_REASON_CODE =
            Pattern.compile("\"reasonCode\"\\s*:\\s*\"([A-Z][A-Z0-9_]{0,63})\"");

    /**
     * Where and how to reach the partner's endpoint.
     *
     * @param url the endpoint messages are posted to, {@code https://host[:port]/path}; plain {@code http} is refused
     * @param timeout the longest one delivery may take, from connecting to the end of the answer
     */
    public record Settings(URI url, Duration timeout) {

        public Settings {
            ChannelSettings.requireUrl(url, "https", "https-push");
            ChannelSettings.requirePositive(timeout, "https-push");
        }
    }

    private final String partnerId;
    private final Partner partner;
    private final Settings settings;
    private final ReceiptCheck receipts;
    private final HttpClient client;

    /**
     * @param partnerId the partner this channel delivers to
     * @param partner that partner's trust, which its receipts are checked against
     * @param settings where its endpoint is
     * @param tls our client certificate and the partner's CAs, from {@code ChannelTls.clientContext}
     * @param receipts checks the receipts the partner answers with
     */
    public HttpsPushChannel(String partnerId, Partner partner, Settings settings, SSLContext tls,
            ReceiptCheck receipts) {
        this.partnerId = Objects.requireNonNull(partnerId, "partnerId");
        this.partner = Objects.requireNonNull(partner, "partner");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.receipts = Objects.requireNonNull(receipts, "receipts");
        if (!partnerId.equals(partner.id())) {
            throw new IllegalArgumentException("https-push channel of " + partnerId + " given the trust of "
                    + partner.id());
        }
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(Objects.requireNonNull(tls, "tls"))
                .sslParameters(ChannelTls.parameters())
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Delivery deliver(Outgoing message) {
        if (!partnerId.equals(message.partner())) {
            throw new IllegalArgumentException(describe() + " is for " + partnerId + ", not " + message.partner());
        }
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", contentType(message.profile()))
                .header(Headers.MESSAGE_ID, message.messageId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.sealed()))
                .build();
        HttpResponse<Answer> response = send(request);
        int status = response.statusCode();
        Answer answer = response.body();
        if (status >= 200 && status < 300) {
            if (answer.truncated()) {
                throw new GatewayException(ReasonCode.RECEIPT_INVALID,
                        "the answer exceeds " + MAX_ANSWER_BYTES + " bytes");
            }
            if (answer.bytes().length == 0) {
                throw new GatewayException(ReasonCode.RECEIPT_INVALID, "no receipt");
            }
            byte[] receipt = receipts.verify(answer.bytes(), partner, message.messageId(), message.sealed());
            return new Delivery(describe() + " answered " + status, receipt);
        }
        String said = status + reasonOf(response);
        if (retriable(status)) {
            throw new ChannelException(describe() + " answered " + said);
        }
        if (status >= 400) {
            // 409 included: a repeat of the same message gets its receipt again, so 409 means another message
            // under the same id, which no retry will fix.
            throw new GatewayException(ReasonCode.DELIVERY_FAILED, "partner answered " + said);
        }
        throw new ChannelException(describe() + " gave an unexpected answer " + said);
    }

    /**
     * A {@code HEAD} request to the endpoint, over the same mutual TLS. A busy or failing server's answer (408, 429,
     * 5xx) fails the probe, and so does a refusal that carries a reason code ({@code PasserelleReasonCode}, as a
     * Passerelle gateway sends when it does not take our certificate, say {@code CERT_REVOKED}): messages would be
     * refused the same way. Any other answer proves the server is reachable, is the partner's and took our
     * certificate: a Passerelle gateway answers 204, an endpoint that takes only POST may answer 405.
     */
    @Override
    public String probe() {
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<Answer> response = send(request);
        int status = response.statusCode();
        // An answer to HEAD has no body: what reasonOf finds is the reason code header, if any.
        String reason = reasonOf(response);
        if (retriable(status) || (status >= 400 && !reason.isEmpty())) {
            throw new ChannelException(describe() + " answered " + status + reason + " to a probe");
        }
        return describe() + " answered " + status + " to a probe";
    }

    private static boolean retriable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    @Override
    public String describe() {
        return "https-push " + settings.url();
    }

    /**
     * Sends and waits at most the configured timeout for the whole answer: the request timeout alone stops
     * counting once the status line arrives, and a server that then stalls would hold the dispatcher forever.
     */
    private HttpResponse<Answer> send(HttpRequest request) {
        CompletableFuture<HttpResponse<Answer>> exchange = client.sendAsync(request, info -> new BoundedAnswer());
        try {
            return exchange.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while delivering to " + describe(), e);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new ChannelException(describe() + " gave no complete answer within " + settings.timeout(), e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    private ChannelException failure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return new ChannelException("the server certificate of " + describe() + " was not trusted: "
                        + t.getMessage(), cause);
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return new ChannelException(describe() + " timed out: " + t.getMessage(), cause);
            }
            if (t instanceof SSLException) {
                return new ChannelException("TLS with " + describe() + " failed: " + t.getMessage(), cause);
            }
        }
        return new ChannelException(describe() + " cannot be reached: " + cause, cause);
    }

    /** The partner's reason code (header, or the reasonCode of a JSON body) and a bounded excerpt of the body. */
    private static String reasonOf(HttpResponse<Answer> response) {
        byte[] bytes = response.body().bytes();
        String body = new String(bytes, 0, Math.min(bytes.length, 4 * EXCERPT_CHARS), StandardCharsets.UTF_8);
        String code = response.headers().firstValue(Headers.REASON_CODE).orElse(null);
        if (code == null) {
            Matcher matcher = JSON_REASON_CODE.matcher(body);
            code = matcher.find() ? matcher.group(1) : null;
        }
        String excerpt = printable(body, EXCERPT_CHARS);
        return (code == null ? "" : " " + printable(code, 64)) + (excerpt.isEmpty() ? "" : ": " + excerpt);
    }

    /** At most {@code max} characters of what a partner said, on one line. */
    private static String printable(String said, int max) {
        String cut = said.length() > max ? said.substring(0, max) + "..." : said;
        return cut.replaceAll("\\p{Cntrl}+", " ").strip();
    }

    private static String contentType(String profile) {
        return switch (profile) {
            case "cms" -> "application/pkcs7-mime";
            case "xml" -> "application/xml";
            default -> "application/octet-stream";
        };
    }

    /** An answer's body, cut at {@link #MAX_ANSWER_BYTES}. */
    private record Answer(byte[] bytes, boolean truncated) {
    }

    /** Collects at most {@link #MAX_ANSWER_BYTES}; beyond that it drops the connection and keeps what it has. */
    private static final class BoundedAnswer implements HttpResponse.BodySubscriber<Answer> {

        private final CompletableFuture<Answer> answer = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<Answer> getBody() {
            return answer;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (answer.isDone()) {
                    return;
                }
                if (bytes.size() + buffer.remaining() > MAX_ANSWER_BYTES) {
                    subscription.cancel();
                    answer.complete(new Answer(bytes.toByteArray(), true));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            answer.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            answer.complete(new Answer(bytes.toByteArray(), false));
        }
    }
}
