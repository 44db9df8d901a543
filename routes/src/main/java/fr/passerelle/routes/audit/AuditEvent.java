package fr.passerelle.routes.audit;

/** What the audit trail records. The names are stable: auditors and scripts match on them. */
public enum AuditEvent {
    OUTBOUND_RECEIVED("a national service handed over a message"),
    OUTBOUND_SEALED("the message was signed and encrypted for a partner"),
    OUTBOUND_QUEUED("the sealed message was queued for the partner's channel"),
    REVIEW_REQUESTED("a releasability rule asked for a second pair of eyes: the message waits in gateway.review"),
    REVIEW_APPROVED("a supervisor approved the release of a message held for review"),
    REVIEW_REJECTED("a supervisor rejected the release of a message held for review"),
    REVIEW_REFUSED("a review decision was refused: the approver was the submitter, or lacked the right"),
    CONTENT_REDACTED("body parts the partner may not receive were removed (what was removed is named, not its content)"),
    OUTBOUND_TRANSFORMED("the message was rendered in the partner's format"),
    OUTBOUND_ALREADY_SEALED("a redelivered message was already sealed for this partner: the recorded copy is used, not sealed again"),
    DELIVERY_ATTEMPT_FAILED("an attempt to hand the message to the partner's channel failed; it will be tried again"),
    OUTBOUND_DELIVERED("the partner's channel took the message"),
    OUTBOUND_COLLECTED("a pull-queue partner took the message from its queue partner.<p>.out, with its own account"),
    OUTBOUND_ALREADY_DELIVERED("a redelivered message had already been delivered to the partner: it is not sent again"),
    RECEIPT_VERIFIED("the partner's signed receipt was verified and stored"),
    INBOUND_RECEIVED("a partner posted a sealed message"),
    INBOUND_OPENED("the partner's message was decrypted and its signature verified"),
    INBOUND_VALIDATED("the partner's message is a valid envelope from that partner: from here on it is known by its messageId"),
    INBOUND_ROUTED("the partner's message was routed to national services by a routing rule"),
    INBOUND_DELIVERED("the partner's message was delivered to a national service"),
    INBOUND_REPEATED("a partner sent again a message already accepted: it is not delivered twice, the receipt is sent again"),
    RECEIPT_ISSUED("a signed receipt was returned to the partner"),
    MESSAGE_REFUSED("a message was refused with a reason code"),
    MESSAGE_QUARANTINED("a message was put in quarantine with a reason code"),
    SLA_BREACHED("an URGENT or IMMEDIATE message was not acknowledged by its partner within its SLA: an alarm was raised"),
    SLA_CLEARED("a message past its SLA was acknowledged by its partner at last: its alarm was cleared"),
    MESSAGE_PURGED("a stored message was deleted at the end of its retention (its audit records stay)"),
    QUARANTINE_RELEASED("an administrator released a quarantined message after correction: it is processed again"),
    QUARANTINE_DISCARDED("an administrator discarded a quarantined message for good"),
    AUDIT_VERIFIED("a person recomputed the audit chain from the console"),
    CONSOLE_LOGIN_FAILED("a console login failed (wrong password, unknown or locked account)"),
    MESSAGE_READ("a person was shown the content of a stored message"),
    MESSAGE_READ_REFUSED("a person asked for a message outside their desks, or for one the gateway does not know");

    private final String description;

    AuditEvent(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
