package fr.passerelle.routes;

/**
 * Why a message was refused. The code is stable (scripts and partners match on it); the sentence tells a person
 * what to do about it.
 */
public enum ReasonCode {
    MESSAGE_TOO_LARGE(413, "The message exceeds the size limit; split it or send large attachments separately."),
    MALFORMED_XML(400, "The message is not well-formed XML, or uses a DOCTYPE, which is never accepted; send a plain envelope document."),
    SCHEMA_INVALID(400, "The envelope does not conform to urn:passerelle:envelope:1; fix the element named in the detail and resend."),
    SENDER_MISMATCH(403, "The envelope's sender is not the account that sent it; a service may only send under its own name."),
    UNKNOWN_SENDER(403, "The message came from an account that is not a configured national service; check the queue and the credentials used."),
    EXPIRED(400, "The envelope's expiresAt has passed; it is not sent. Send a new message if it still matters."),
    SENDER_NOT_AUTHORISED(403, "This national service may not write to this partner under the releasability policy; ask the partner's desk or send through the service that may."),
    MESSAGE_TYPE_NOT_RELEASABLE(403, "This message type may not be released to this partner under its releasability policy; check the partner's allowed message types."),
    CLASSIFICATION_TOO_HIGH(403, "The message's classification is above what this partner may receive; lower the classification if the content allows, or do not send it to this partner."),
    HANDLING_CODE_FORBIDS_RELEASE(403, "A handling code of the message forbids its release to this partner; ask the information owner whether the code can be changed."),
    LEGAL_BASIS_REQUIRED(400, "This partner may only receive messages stating their legal basis; fill in legalBasis and resend."),
    REVIEW_REJECTED(403, "A supervisor rejected the release of this message; the comment in the detail says why."),
    UNKNOWN_PARTNER(400, "A recipient is not a configured partner; check the recipient id against the partner list."),
    SEAL_FAILED(500, "The message could not be signed and encrypted for the partner; check the partner's encryption certificate and our signing key."),
    NOT_CMS(400, "The body is not a sealed message of the partner's profile (cms: DER AuthEnvelopedData with AES-256-GCM and the key management of the README); seal the message as described in the README."),
    NOT_FOR_US(400, "The message is not encrypted for any of our encryption certificates; encrypt it for the gateway's current encryption certificate."),
    DECRYPTION_FAILED(400, "The message could not be decrypted or its integrity check failed; it may have been altered in transit. Seal it again and resend."),
    NOT_SIGNED(400, "The decrypted content carries no signature we can check (cms: SignedData with one signer and the content attached; xml: one enveloped ds:Signature); sign before encrypting."),
    SIGNATURE_INVALID(400, "The signature does not match the content; the message was altered or signed with another key than the certificate says."),
    CERT_UNKNOWN_CA(403, "The certificate does not chain to any CA configured for this partner; sign and connect with your own partner certificates."),
    CERT_EXPIRED(403, "A certificate of the chain has expired; use a current certificate."),
    CERT_NOT_YET_VALID(403, "A certificate of the chain is not valid yet; check its start date and the clocks."),
    CERT_REVOKED(403, "A certificate of the chain is revoked by its CA, or revocation cannot be checked; use a certificate that is not revoked."),
    CERT_WRONG_USAGE(403, "The certificate is not meant for this use (key usage or extended key usage); sign with your signing certificate and connect with your TLS certificate."),
    CLIENT_NOT_PARTNER(403, "The TLS client certificate does not belong to any configured partner; connect with your partner TLS certificate."),
    SENDER_NOT_PARTNER(403, "The envelope's sender is neither the partner that sent it nor one of the senders configured for that partner; send under your own name or a configured one."),
    DUPLICATE_MESSAGE(409, "A message with this messageId was already received; it is not delivered twice. Use a new messageId for a new message."),
    RECEIPT_INVALID(502, "The partner's answer did not carry a valid signed receipt for this message (signature, signer, messageId or digest); the message is held until the partner's receipt can be checked."),
    DELIVERY_FAILED(503, "The partner's channel did not take the message within the configured attempts and age; check the partner's endpoint and credentials, then release the message from quarantine."),
    GATEWAY_UNAVAILABLE(503, "The gateway cannot take messages now (its database cannot be reached) and kept nothing of this one; send the same message again after the Retry-After delay."),
    INTERNAL_ERROR(500, "The gateway could not process the message; operators have been alerted and the message is kept in quarantine.");

    private final int httpStatus;
    private final String sentence;

    ReasonCode(int httpStatus, String sentence) {
        this.httpStatus = httpStatus;
        this.sentence = sentence;
    }

    /** The HTTP status the partner endpoint answers with when it refuses a message for this reason. */
    public int httpStatus() {
        return httpStatus;
    }

    /** What a person can do about it. */
    public String sentence() {
        return sentence;
    }
}
