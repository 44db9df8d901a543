package fr.passerelle.routes.store;

import fr.passerelle.schema.envelope.Envelope;

/** The searchable header fields of an envelope, as the message store keeps them. */
public final class MessageSummaries {

    private MessageSummaries() {
    }

    public static MessageStore.Summary of(Envelope envelope) {
        return new MessageStore.Summary(envelope.getMessageType().value(),
                envelope.getPriority() == null ? null : envelope.getPriority().value(),
                envelope.getClassification() == null ? null : envelope.getClassification().value(),
                envelope.getCaseReference(), envelope.getSender());
    }
}
