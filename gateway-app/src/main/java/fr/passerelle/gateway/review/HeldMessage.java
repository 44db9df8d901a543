package fr.passerelle.gateway.review;

import java.time.Instant;

/**
 * A message waiting in {@code gateway.review}, as a supervisor sees it before deciding.
 *
 * @param messageId the envelope's messageId
 * @param service the national service that sent it
 * @param submitter the person who submitted it (the service's {@code PasserelleSubmitter}, else its account)
 * @param partners the recipients it is for
 * @param reasons why it is held
 * @param heldAt when it was put on hold
 */
public record HeldMessage(String messageId, String service, String submitter, String partners, String reasons,
        Instant heldAt) {
}
