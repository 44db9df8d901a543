package fr.passerelle.routes.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import javax.xml.transform.dom.DOMResult;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.FinancialAccount;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;

/**
 * Removes body parts from a copy of an envelope, for a partner that may not receive them. The input is never
 * changed, since the other recipients of the same message get their own view of it.
 *
 * <p>A financial account whose {@code holderRef} names a removed entity loses that reference, which the schema's
 * keyref would otherwise refuse, and its {@code holder}, the same name as the bank knows it, which would give away
 * what was removed. The account itself stays. Removal works on the typed parts only: a name written in the free
 * text, or an account holder given without a reference, stays unless that part is removed too.
 */
public final class Redaction {

    /**
     * A redacted copy of an envelope.
     *
     * @param envelope the copy, without the removed parts; a new object even when nothing was removed
     * @param description what was removed, by kind and id only, for the audit trail; empty when nothing was
     */
    public record Redacted(Envelope envelope, String description) {

        /** Whether anything was removed. */
        public boolean changed() {
            return !description.isEmpty();
        }
    }

    /** A copy of {@code envelope} without the parts in {@code remove} that it holds. */
    public Redacted apply(Envelope envelope, Set<BodyPart> remove) {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(remove, "remove");
        Envelope copy = copy(envelope);
        List<String> removed = new ArrayList<>();
        for (BodyPart part : BodyPart.values()) {
            if (remove.contains(part) && part.isPresentIn(copy)) {
                removed.add(describe(part, part.idsIn(copy), part.countIn(copy)));
                part.removeFrom(copy.getBody());
            }
        }
        if (removed.isEmpty()) {
            return new Redacted(copy, "");
        }
        String dropped = dropDanglingHolders(copy);
        return new Redacted(copy, "removed " + String.join("; ", removed) + dropped);
    }

    /** The envelope as UTF-8 XML, checked against the envelope schema while it is written. */
    public static byte[] toXml(Envelope envelope) {
        try {
            Marshaller marshaller = Schemas.jaxbContext().createMarshaller();
            marshaller.setSchema(Schemas.envelopeSchema());
            marshaller.setProperty(Marshaller.JAXB_ENCODING, StandardCharsets.UTF_8.name());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            marshaller.marshal(envelope, out);
            return out.toByteArray();
        } catch (JAXBException e) {
            // JAXB's message quotes the offending value, which may be message content: keep it out of the detail.
            throw new GatewayException(ReasonCode.INTERNAL_ERROR,
                    "envelope " + envelope.getMessageId() + " does not conform to the schema once redacted", e);
        }
    }

    private static Envelope copy(Envelope envelope) {
        // Through a DOM tree rather than bytes: nothing is parsed, so nothing here can be fed a hostile document.
        try {
            DOMResult tree = new DOMResult();
            Schemas.jaxbContext().createMarshaller().marshal(envelope, tree);
            return (Envelope) Schemas.jaxbContext().createUnmarshaller().unmarshal(tree.getNode());
        } catch (JAXBException e) {
            throw new GatewayException(ReasonCode.INTERNAL_ERROR,
                    "envelope " + envelope.getMessageId() + " cannot be copied for redaction", e);
        }
    }

    private static String dropDanglingHolders(Envelope envelope) {
        Set<String> remaining = new HashSet<>();
        for (BodyPart part : BodyPart.values()) {
            remaining.addAll(part.idsIn(envelope));
        }
        List<String> ids = new ArrayList<>();
        int withoutId = 0;
        for (FinancialAccount account : envelope.getBody().getFinancialAccount()) {
            if (account.getHolderRef() != null && !remaining.contains(account.getHolderRef())) {
                account.setHolderRef(null);
                account.setHolder(null);
                if (account.getId() == null) {
                    withoutId++;
                } else {
                    ids.add(account.getId());
                }
            }
        }
        if (ids.isEmpty() && withoutId == 0) {
            return "";
        }
        return "; holder reference and name dropped from "
                + describe(BodyPart.FINANCIAL_ACCOUNTS, ids, ids.size() + withoutId) + ", whose holder was removed";
    }

    private static String describe(BodyPart part, List<String> ids, int count) {
        if (part == BodyPart.FREE_TEXT) {
            return part.configName();
        }
        StringBuilder text = new StringBuilder(part.configName());
        if (!ids.isEmpty()) {
            text.append(' ').append(String.join(", ", ids));
        }
        int withoutId = count - ids.size();
        if (withoutId > 0) {
            text.append(ids.isEmpty() ? " " : " and ").append(withoutId).append(" without id");
        }
        return text.toString();
    }
}
