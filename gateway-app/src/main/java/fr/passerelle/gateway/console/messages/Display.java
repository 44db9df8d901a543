package fr.passerelle.gateway.console.messages;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the message pages write times and sizes. Times are in UTC, and say so: officers and partners sit in several
 * time zones, and the audit trail is in UTC.
 */
final class Display {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Display() {
    }

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String bytes(long size) {
        return String.format(Locale.ROOT, size == 1 ? "%,d byte" : "%,d bytes", size);
    }
}
