package fr.passerelle.gateway.partner;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.persistence.DatabaseAvailability;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.inbound.InboundRoutes;
import jakarta.servlet.http.HttpServletRequest;

/**
 * {@code POST /partner/v1/messages}: a partner posts a sealed message over mutual TLS and gets 202 with our
 * signed receipt (DER CMS SignedData), or a 4xx with a JSON body carrying the reason code. While the database
 * cannot be reached, the gateway can neither check for a repeat nor keep the evidence: the post is answered 503
 * {@code GATEWAY_UNAVAILABLE} with a {@code Retry-After}, nothing kept, and the partner sends it again. A
 * {@code HEAD} request to the same path is a partner's probe.
 */
@RestController
@RequestMapping("/partner/v1")
class PartnerEndpoint {

    static final MediaType PKCS7 = MediaType.parseMediaType("application/pkcs7-mime");
    /** How long a partner is asked to wait before posting again while the database is away, in seconds. */
    static final int RETRY_AFTER_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(PartnerEndpoint.class);

    private final ProducerTemplate producer;
    private final PartnerIdentifier identifier;
    private final AuditTrail audit;
    private final DatabaseAvailability database;
    private final int maxBytes;

    PartnerEndpoint(ProducerTemplate producer, PartnerIdentifier identifier, AuditTrail audit,
            DatabaseAvailability database, PasserelleProperties properties) {
        this.producer = producer;
        this.identifier = identifier;
        this.audit = audit;
        this.database = database;
        this.maxBytes = properties.maxMessageBytes();
    }

    @PostMapping("/messages")
    ResponseEntity<?> receive(HttpServletRequest request) throws IOException {
        X509Certificate[] chain = (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
        String partner;
        try {
            partner = identifier.identify(chain);
        } catch (GatewayException refused) {
            String subject = chain == null || chain.length == 0 ? "no certificate"
                    : chain[0].getSubjectX500Principal().getName();
            return refusedBeforeRoute(subject, null, refused);
        }
        if (database.down()) {
            return unavailable(partner, "the database is known to be away");
        }
        byte[] sealed = readLimited(request.getInputStream());
        if (sealed == null) {
            return refusedBeforeRoute(partner, partner,
                    new GatewayException(ReasonCode.MESSAGE_TOO_LARGE, "the limit is " + maxBytes + " bytes"));
        }
        Exchange exchange = producer.send(InboundRoutes.ENTRY, ex -> {
            ex.setProperty(Headers.CLIENT_PARTNER, partner);
            ex.getIn().setBody(sealed);
        });
        Exception failure = exchange.getException();
        if (failure instanceof GatewayException refused) {
            return refusal(refused);
        }
        if (failure != null && database.failed(failure)) {
            return unavailable(partner, failure.getClass().getSimpleName());
        }
        if (failure != null) {
            LOG.error("inbound message from {} failed", partner, failure);
            return refusal(new GatewayException(ReasonCode.INTERNAL_ERROR, null));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(PKCS7)
                .header(Headers.MESSAGE_ID, exchange.getMessage().getHeader(Headers.MESSAGE_ID, String.class))
                .body(exchange.getMessage().getBody(byte[].class));
    }

    /**
     * {@code HEAD /partner/v1/messages}: a partner checks, without sending anything, that we would take a message
     * now (a partner gateway's channel probe). 204 when its certificate names a partner and the database is not
     * known to be away; else the status a post would get, with the reason code in the {@code PasserelleReasonCode}
     * header (and {@code Retry-After} for 503). Nothing is audited or logged: no message was sent, and a probe
     * comes every minute or so.
     */
    @RequestMapping(path = "/messages", method = RequestMethod.HEAD)
    ResponseEntity<Void> probe(HttpServletRequest request) {
        try {
            identifier.identify((X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate"));
        } catch (GatewayException refused) {
            return ResponseEntity.status(refused.reason().httpStatus())
                    .header(Headers.REASON_CODE, refused.reason().name()).build();
        }
        if (database.down()) {
            return ResponseEntity.status(ReasonCode.GATEWAY_UNAVAILABLE.httpStatus())
                    .header(Headers.REASON_CODE, ReasonCode.GATEWAY_UNAVAILABLE.name())
                    .header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS)).build();
        }
        return ResponseEntity.noContent().build();
    }

    /** Refused before the inbound route saw it: nothing to quarantine, but the audit trail still says so. */
    private ResponseEntity<Map<String, String>> refusedBeforeRoute(String actor, String partner,
            GatewayException refused) {
        audit.record(null, AuditEvent.MESSAGE_REFUSED, actor, partner,
                refused.reason().name() + ": " + refused.detail());
        return refusal(refused);
    }

    /**
     * The database cannot be reached: no audit record can be written, so the refusal is logged; the partner is
     * asked to post again later.
     */
    private static ResponseEntity<Map<String, String>> unavailable(String partner, String why) {
        LOG.warn("A message from {} was answered 503 GATEWAY_UNAVAILABLE ({}); the partner is asked to send it again"
                + " in {} s", partner, why, RETRY_AFTER_SECONDS);
        GatewayException refused = new GatewayException(ReasonCode.GATEWAY_UNAVAILABLE,
                "the database cannot be reached; nothing of the message was kept");
        ResponseEntity<Map<String, String>> answer = refusal(refused);
        return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS)).body(answer.getBody());
    }

    private byte[] readLimited(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        return bytes.length > maxBytes ? null : bytes;
    }

    private static ResponseEntity<Map<String, String>> refusal(GatewayException refused) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("reasonCode", refused.reason().name());
        body.put("reason", refused.reason().sentence());
        body.put("detail", refused.detail());
        return ResponseEntity.status(refused.reason().httpStatus()).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
