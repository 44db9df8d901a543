package fr.passerelle.routes.format;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The form in which a partner receives an envelope, inside the seal: its declared format. The name is what the
 * partner's configuration says.
 */
public enum PartnerFormat {

    /** The canonical envelope, urn:passerelle:envelope:1, exactly as it left redaction. */
    ENVELOPE("envelope"),

    /** The project's europol-style XML, urn:passerelle:europol-style:1 (europol-style-1.xsd). */
    EUROPOL_STYLE("europol-style"),

    /** The envelope as JSON, described by envelope-1.schema.json. */
    JSON("json");

    private final String formatName;

    PartnerFormat(String formatName) {
        this.formatName = formatName;
    }

    /** The name used in configuration. */
    public String formatName() {
        return formatName;
    }

    /** The format named {@code name}; an unknown name is refused with the list of the known ones. */
    public static PartnerFormat fromName(String name) {
        for (PartnerFormat format : values()) {
            if (format.formatName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown partner format '" + name + "'; the formats are "
                + Arrays.stream(values()).map(PartnerFormat::formatName).collect(Collectors.joining(", ")));
    }
}
