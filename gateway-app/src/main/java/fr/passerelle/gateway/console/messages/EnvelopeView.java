package fr.passerelle.gateway.console.messages;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.xml.datatype.XMLGregorianCalendar;

import fr.passerelle.schema.envelope.Attachment;
import fr.passerelle.schema.envelope.Body;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.Location;

/**
 * An envelope as the detail page shows it: its header as labelled fields, its body as one table per kind of
 * entity, its free text, and its attachments by name and size only (their content is never shown).
 *
 * @param header the header fields, in the envelope's order, those absent left out
 * @param sections the body's entities by kind, in the envelope's order, empty kinds left out
 * @param freeText the free text, or null
 */
record EnvelopeView(List<Field> header, List<Section> sections, String freeText, List<AttachmentView> attachments) {

    /** One labelled value. */
    record Field(String label, String value) {
    }

    /** The entities of one kind: one row each, one column per field. */
    record Section(String title, List<String> columns, List<List<String>> rows) {
    }

    /**
     * An attachment without its content.
     *
     * @param sha256 the digest the sender declared, or null
     */
    record AttachmentView(String id, String filename, String mediaType, String size, String sha256) {
    }

    static EnvelopeView of(Envelope envelope) {
        List<Field> header = new ArrayList<>();
        add(header, "Message id", envelope.getMessageId());
        add(header, "Conversation id", envelope.getConversationId());
        add(header, "Case reference", envelope.getCaseReference());
        add(header, "Created at", text(envelope.getCreatedAt()));
        add(header, "Sender", envelope.getSender());
        add(header, "Recipients", envelope.getRecipients() == null ? null
                : String.join(", ", envelope.getRecipients().getRecipient()));
        add(header, "Message type", envelope.getMessageType() == null ? null : envelope.getMessageType().value());
        add(header, "Priority", envelope.getPriority() == null ? null : envelope.getPriority().value());
        add(header, "Legal basis", envelope.getLegalBasis());
        add(header, "Expires at", text(envelope.getExpiresAt()));

        Body body = envelope.getBody() == null ? new Body() : envelope.getBody();
        List<Section> sections = new ArrayList<>();
        section(sections, "Persons", body.getPerson(), List.of("Id", "Family name", "Given name", "Date of birth",
                "Nationality", "Document number", "Role"), person -> Arrays.asList(person.getId(),
                        person.getFamilyName(), person.getGivenName(), text(person.getDateOfBirth()),
                        person.getNationality(), person.getDocumentNumber(),
                        person.getRole() == null ? null : person.getRole().value()));
        section(sections, "Organisations", body.getOrganisation(), List.of("Id", "Name", "Country",
                "Registration number"), organisation -> Arrays.asList(organisation.getId(), organisation.getName(),
                        organisation.getCountry(), organisation.getRegistrationNumber()));
        section(sections, "Vehicles", body.getVehicle(), List.of("Id", "Registration", "Make", "Model", "VIN"),
                vehicle -> Arrays.asList(vehicle.getId(), vehicle.getRegistration(), vehicle.getMake(),
                        vehicle.getModel(), vehicle.getVin()));
        section(sections, "Vessels", body.getVessel(), List.of("Id", "Name", "IMO number", "Flag", "MMSI"),
                vessel -> Arrays.asList(vessel.getId(), vessel.getName(), vessel.getImoNumber(), vessel.getFlag(),
                        vessel.getMmsi()));
        section(sections, "Containers", body.getContainer(), List.of("Id", "Number", "Carrier", "Port of loading",
                "Port of discharge"), container -> Arrays.asList(container.getId(), container.getNumber(),
                        container.getCarrier(), container.getPortOfLoading(), container.getPortOfDischarge()));
        section(sections, "Locations", body.getLocation(), List.of("Id", "Name", "Country", "Latitude",
                "Longitude"), location -> Arrays.asList(location.getId(), location.getName(), location.getCountry(),
                        text(location.getLatitude()), text(location.getLongitude())));
        section(sections, "Financial accounts", body.getFinancialAccount(), List.of("Id", "IBAN", "BIC",
                "Account number", "Holder", "Holder reference", "Institution"), account -> Arrays.asList(
                        account.getId(), account.getIban(), account.getBic(), account.getAccountNumber(),
                        account.getHolder(), account.getHolderRef(), account.getInstitution()));
        section(sections, "Seizures", body.getSeizure(), List.of("Id", "Substance", "Description", "Quantity",
                "Date", "Location"), seizure -> Arrays.asList(seizure.getId(),
                        seizure.getSubstance() == null ? null : seizure.getSubstance().value(),
                        seizure.getDescription(), text(seizure.getQuantity()) + " "
                                + (seizure.getUnit() == null ? "" : seizure.getUnit().value()),
                        text(seizure.getDate()), place(seizure.getLocation())));

        List<AttachmentView> attachments = body.getAttachment().stream().map(EnvelopeView::attachment).toList();
        return new EnvelopeView(List.copyOf(header), List.copyOf(sections), body.getFreeText(), attachments);
    }

    private static void add(List<Field> fields, String label, String value) {
        if (value != null && !value.isBlank()) {
            fields.add(new Field(label, value));
        }
    }

    private static <T> void section(List<Section> sections, String title, List<T> entities, List<String> columns,
            Function<T, List<String>> cells) {
        if (!entities.isEmpty()) {
            sections.add(new Section(title, columns, entities.stream().map(cells)
                    .map(row -> row.stream().map(cell -> cell == null ? "" : cell).toList()).toList()));
        }
    }

    private static AttachmentView attachment(Attachment attachment) {
        int size = attachment.getContent() == null ? 0 : attachment.getContent().length;
        return new AttachmentView(attachment.getId(), attachment.getFilename(), attachment.getMediaType(),
                Display.bytes(size), attachment.getSha256());
    }

    private static String place(Location location) {
        if (location == null) {
            return null;
        }
        return Arrays.asList(location.getName(), location.getCountry(), text(location.getLatitude()),
                text(location.getLongitude())).stream().filter(part -> part != null)
                .collect(Collectors.joining(", "));
    }

    private static String text(XMLGregorianCalendar time) {
        return time == null ? null : time.toXMLFormat();
    }

    private static String text(BigDecimal number) {
        return number == null ? null : number.toPlainString();
    }
}
