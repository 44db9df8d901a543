package fr.passerelle.routes.format;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.xml.datatype.XMLGregorianCalendar;

import fr.passerelle.schema.envelope.Attachment;
import fr.passerelle.schema.envelope.Body;
import fr.passerelle.schema.envelope.Container;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.FinancialAccount;
import fr.passerelle.schema.envelope.HandlingCode;
import fr.passerelle.schema.envelope.Location;
import fr.passerelle.schema.envelope.Organisation;
import fr.passerelle.schema.envelope.Person;
import fr.passerelle.schema.envelope.Seizure;
import fr.passerelle.schema.envelope.Vehicle;
import fr.passerelle.schema.envelope.Vessel;

/**
 * The JSON rendering of an envelope (envelope-1.schema.json): the envelope's fields under the same names, in the
 * schema's order, a list for each repeated element (named in the plural in the body), enumerations by their XML
 * value, dates and times in their XML form, decimals as JSON numbers with the digits they were written with,
 * attachments in base64. An optional field that is absent is left out.
 *
 * <p>Written by hand rather than with a JSON library: the output must be the same bytes for the same envelope
 * (samples and signatures are compared byte for byte), which a fixed walk over the envelope gives by
 * construction, and the routes module needs no JSON library for anything else.
 */
final class EnvelopeJson {

    private EnvelopeJson() {
    }

    /** The envelope as UTF-8 JSON, two-space indented, ending with a line break. */
    static byte[] write(Envelope envelope) {
        StringBuilder out = new StringBuilder();
        value(out, envelope(envelope), 0);
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> envelope(Envelope envelope) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "messageId", envelope.getMessageId());
        put(json, "conversationId", envelope.getConversationId());
        put(json, "caseReference", envelope.getCaseReference());
        put(json, "createdAt", time(envelope.getCreatedAt()));
        put(json, "sender", envelope.getSender());
        put(json, "recipients", List.copyOf(envelope.getRecipients().getRecipient()));
        put(json, "messageType", envelope.getMessageType().value());
        put(json, "priority", envelope.getPriority().value());
        put(json, "classification", envelope.getClassification().value());
        // Always present, even empty: "no restriction" is stated, as in the envelope.
        put(json, "handlingCodes", envelope.getHandlingCodes().getHandlingCode().stream()
                .map(HandlingCode::value).toList());
        Map<String, Object> evaluation = new LinkedHashMap<>();
        put(evaluation, "sourceReliability", envelope.getEvaluation().getSourceReliability().value());
        put(evaluation, "informationAssessment", envelope.getEvaluation().getInformationAssessment().value());
        put(json, "evaluation", evaluation);
        put(json, "legalBasis", envelope.getLegalBasis());
        put(json, "expiresAt", time(envelope.getExpiresAt()));
        put(json, "body", body(envelope.getBody()));
        return json;
    }

    private static Map<String, Object> body(Body body) {
        Map<String, Object> json = new LinkedHashMap<>();
        putAll(json, "persons", body.getPerson(), EnvelopeJson::person);
        putAll(json, "organisations", body.getOrganisation(), EnvelopeJson::organisation);
        putAll(json, "vehicles", body.getVehicle(), EnvelopeJson::vehicle);
        putAll(json, "vessels", body.getVessel(), EnvelopeJson::vessel);
        putAll(json, "containers", body.getContainer(), EnvelopeJson::container);
        putAll(json, "locations", body.getLocation(), EnvelopeJson::location);
        putAll(json, "financialAccounts", body.getFinancialAccount(), EnvelopeJson::financialAccount);
        putAll(json, "seizures", body.getSeizure(), EnvelopeJson::seizure);
        put(json, "freeText", body.getFreeText());
        putAll(json, "attachments", body.getAttachment(), EnvelopeJson::attachment);
        return json;
    }

    private static Map<String, Object> person(Person person) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", person.getId());
        put(json, "familyName", person.getFamilyName());
        put(json, "givenName", person.getGivenName());
        put(json, "dateOfBirth", time(person.getDateOfBirth()));
        put(json, "nationality", person.getNationality());
        put(json, "documentNumber", person.getDocumentNumber());
        put(json, "role", person.getRole() == null ? null : person.getRole().value());
        return json;
    }

    private static Map<String, Object> organisation(Organisation organisation) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", organisation.getId());
        put(json, "name", organisation.getName());
        put(json, "country", organisation.getCountry());
        put(json, "registrationNumber", organisation.getRegistrationNumber());
        return json;
    }

    private static Map<String, Object> vehicle(Vehicle vehicle) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", vehicle.getId());
        put(json, "registration", vehicle.getRegistration());
        put(json, "make", vehicle.getMake());
        put(json, "model", vehicle.getModel());
        put(json, "vin", vehicle.getVin());
        return json;
    }

    private static Map<String, Object> vessel(Vessel vessel) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", vessel.getId());
        put(json, "name", vessel.getName());
        put(json, "imoNumber", vessel.getImoNumber());
        put(json, "flag", vessel.getFlag());
        put(json, "mmsi", vessel.getMmsi());
        return json;
    }

    private static Map<String, Object> container(Container container) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", container.getId());
        put(json, "number", container.getNumber());
        put(json, "carrier", container.getCarrier());
        put(json, "portOfLoading", container.getPortOfLoading());
        put(json, "portOfDischarge", container.getPortOfDischarge());
        return json;
    }

    private static Map<String, Object> location(Location location) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", location.getId());
        put(json, "name", location.getName());
        put(json, "country", location.getCountry());
        put(json, "latitude", location.getLatitude());
        put(json, "longitude", location.getLongitude());
        return json;
    }

    private static Map<String, Object> financialAccount(FinancialAccount account) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", account.getId());
        put(json, "holderRef", account.getHolderRef());
        put(json, "iban", account.getIban());
        put(json, "bic", account.getBic());
        put(json, "accountNumber", account.getAccountNumber());
        put(json, "holder", account.getHolder());
        put(json, "institution", account.getInstitution());
        return json;
    }

    private static Map<String, Object> seizure(Seizure seizure) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", seizure.getId());
        put(json, "substance", seizure.getSubstance().value());
        put(json, "description", seizure.getDescription());
        put(json, "quantity", seizure.getQuantity());
        put(json, "unit", seizure.getUnit().value());
        put(json, "date", time(seizure.getDate()));
        put(json, "location", seizure.getLocation() == null ? null : location(seizure.getLocation()));
        return json;
    }

    private static Map<String, Object> attachment(Attachment attachment) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "id", attachment.getId());
        put(json, "filename", attachment.getFilename());
        put(json, "mediaType", attachment.getMediaType());
        put(json, "content", Base64.getEncoder().encodeToString(attachment.getContent()));
        put(json, "sha256", attachment.getSha256());
        return json;
    }

    private static String time(XMLGregorianCalendar value) {
        return value == null ? null : value.toXMLFormat();
    }

    private static void put(Map<String, Object> json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static <T> void putAll(Map<String, Object> json, String name, List<T> items,
            Function<T, Map<String, Object>> mapping) {
        if (!items.isEmpty()) {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(mapping.apply(item)));
            json.put(name, list);
        }
    }

    /** Writes a tree of maps, lists, strings and decimals; nothing else occurs in an envelope. */
    static void value(StringBuilder out, Object value, int depth) {
        if (value instanceof String text) {
            string(out, text);
        } else if (value instanceof BigDecimal number) {
            out.append(number.toPlainString());
        } else if (value instanceof Map<?, ?> map) {
            members(out, '{', '}', map.entrySet(), depth, (entry, d) -> {
                string(out, (String) entry.getKey());
                out.append(": ");
                value(out, entry.getValue(), d);
            });
        } else if (value instanceof List<?> list) {
            members(out, '[', ']', list, depth, (item, d) -> value(out, item, d));
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private interface Member<T> {
        void write(T member, int depth);
    }

    private static <T> void members(StringBuilder out, char open, char close, Iterable<T> members, int depth,
            Member<T> writer) {
        out.append(open);
        boolean empty = true;
        for (T member : members) {
            out.append(empty ? "\n" : ",\n");
            indent(out, depth + 1);
            writer.write(member, depth + 1);
            empty = false;
        }
        if (!empty) {
            out.append('\n');
            indent(out, depth);
        }
        out.append(close);
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("  ".repeat(depth));
    }

    /**
     * A JSON string. Escaped: the quote, the backslash, every control character (C0, DEL and C1), U+2028 and U+2029
     * (line breaks to JavaScript), and any unpaired surrogate, which has no UTF-8 form; the rest is written as is.
     */
    static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                            || Character.isSurrogate(c)) {
                        String hex = Integer.toHexString(c);
                        out.append("\\u").append("0000", hex.length(), 4).append(hex);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
