package fr.passerelle.routes;

/** Names of the message headers and exchange properties the gateway sets. */
public final class Headers {

    /** The envelope's messageId, on every message the gateway queues. */
    public static final String MESSAGE_ID = "PasserelleMessageId";
    /** The partner a sealed message is for, or the partner an inbound message came from. */
    public static final String PARTNER = "PasserellePartner";
    /** The envelope's messageType, on messages delivered to national services. */
    public static final String MESSAGE_TYPE = "PasserelleMessageType";
    /** Why a message is in quarantine: a {@link ReasonCode} name. */
    public static final String REASON_CODE = "PasserelleReasonCode";
    /** On a notice to a national service: what happened to its message ({@code REFUSED}). */
    public static final String NOTICE = "PasserelleNotice";
    /** Why a message is in quarantine, for a person. */
    public static final String REASON = "PasserelleReason";

    /** Message property the broker sets to the account that sent the message, whatever the client claimed. */
    public static final String BROKER_SENDER_PROPERTY = "PasserelleBrokerUser";

    /** Message property the broker sets to an id of its own on arrival, kept across redeliveries and restarts. */
    public static final String ARRIVAL_ID_PROPERTY = "PasserelleArrivalId";
    /**
     * The envelope's sender: on a sealed message in a partner queue, the national service to tell if it fails; on
     * a partner's message, who sent it (the partner, or one of its services when the partner is a gateway).
     */
    public static final String SENDER = "PasserelleSender";

    /** Exchange property: the broker account that sent the message, as the broker validated it. */
    public static final String BROKER_USER = "passerelleBrokerUser";
    /** Exchange property: the broker's arrival id of the message being processed, or its JMS message id. */
    public static final String ARRIVAL_ID = "passerelleArrivalId";
    /** Exchange property: the national service whose queue the message came from. */
    public static final String SERVICE = "passerelleService";
    /** Exchange property: the partner identified from the TLS client certificate. */
    public static final String CLIENT_PARTNER = "passerelleClientPartner";
    /** Exchange property: the parsed envelope. */
    public static final String ENVELOPE = "passerelleEnvelope";
    /** Exchange property: the partner one split part of the outbound flow is for. */
    public static final String TARGET_PARTNER = "passerelleTargetPartner";
    /** Exchange property: the sealed messages, one per recipient partner. */
    public static final String SEALED = "passerelleSealed";

    private Headers() {
    }
}
