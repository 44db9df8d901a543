package fr.passerelle.routes.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import fr.passerelle.schema.envelope.Attachment;
import fr.passerelle.schema.envelope.Body;
import fr.passerelle.schema.envelope.Container;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.FinancialAccount;
import fr.passerelle.schema.envelope.Location;
import fr.passerelle.schema.envelope.Organisation;
import fr.passerelle.schema.envelope.Person;
import fr.passerelle.schema.envelope.Seizure;
import fr.passerelle.schema.envelope.Vehicle;
import fr.passerelle.schema.envelope.Vessel;

/**
 * One kind of child of the envelope's {@code body}, the unit in which a partner's policy says what it may receive.
 * Each part is known in configuration by its {@link #configName()}. {@link #LOCATIONS} are the body's own
 * {@code location} children: the place of a seizure belongs to the seizure and goes or stays with it.
 */
public enum BodyPart {
    PERSONS("persons", Body::getPerson, Person::getId),
    ORGANISATIONS("organisations", Body::getOrganisation, Organisation::getId),
    VEHICLES("vehicles", Body::getVehicle, Vehicle::getId),
    VESSELS("vessels", Body::getVessel, Vessel::getId),
    CONTAINERS("containers", Body::getContainer, Container::getId),
    LOCATIONS("locations", Body::getLocation, Location::getId),
    FINANCIAL_ACCOUNTS("financial-accounts", Body::getFinancialAccount, FinancialAccount::getId),
    SEIZURES("seizures", Body::getSeizure, Seizure::getId),
    FREE_TEXT("free-text", body -> List.of(), body -> body.getFreeText() == null ? 0 : 1,
            body -> body.setFreeText(null)),
    ATTACHMENTS("attachments", Body::getAttachment, Attachment::getId);

    private final String configName;
    private final Function<Body, List<String>> ids;
    private final ToIntFunction<Body> count;
    private final Consumer<Body> remover;

    <T> BodyPart(String configName, Function<Body, List<T>> items, Function<T, String> id) {
        this(configName,
                body -> items.apply(body).stream().map(id).filter(Objects::nonNull).toList(),
                body -> items.apply(body).size(),
                body -> items.apply(body).clear());
    }

    BodyPart(String configName, Function<Body, List<String>> ids, ToIntFunction<Body> count, Consumer<Body> remover) {
        this.configName = configName;
        this.ids = ids;
        this.count = count;
        this.remover = remover;
    }

    /** The name used in configuration, e.g. {@code financial-accounts}. */
    public String configName() {
        return configName;
    }

    /** The part with this configuration name; the exception lists the valid names. */
    public static BodyPart fromName(String name) {
        return Arrays.stream(values())
                .filter(part -> part.configName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown body part '" + name + "'; valid names: "
                        + Arrays.stream(values()).map(BodyPart::configName).collect(Collectors.joining(", "))));
    }

    /** Whether the envelope's body holds at least one element of this part. */
    public boolean isPresentIn(Envelope envelope) {
        return countIn(envelope) > 0;
    }

    /**
     * The ids of this part's entities in the envelope, in document order, for the audit trail: ids only, never
     * content. Entities without an id (the schema makes it optional for most kinds) and free text have none.
     */
    public List<String> idsIn(Envelope envelope) {
        Body body = envelope.getBody();
        return body == null ? List.of() : ids.apply(body);
    }

    /** How many elements of this part the body holds, with or without an id. */
    int countIn(Envelope envelope) {
        Body body = envelope.getBody();
        return body == null ? 0 : count.applyAsInt(body);
    }

    /** Removes every element of this part from {@code body}. */
    void removeFrom(Body body) {
        remover.accept(body);
    }
}
