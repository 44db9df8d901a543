package fr.passerelle.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Valid envelopes from {@code ofast} to {@code spain}, releasable without review under the sample policy, each
 * under its own messageId and padded with free text to the size asked for.
 */
final class BenchEnvelopes {

    /** The largest size reachable with free text alone, whose schema limit is 65,536 characters. */
    static final int MAX_SIZE = 65_536;

    private static final String HEAD = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="urn:passerelle:envelope:1">
              <messageId>%s</messageId>
              <caseReference>OFAST-2026-90001</caseReference>
              <createdAt>2026-02-03T09:15:00+01:00</createdAt>
              <sender>ofast</sender>
              <recipients>
                <recipient>spain</recipient>
              </recipients>
              <messageType>INTEL_REPORT</messageType>
              <priority>ROUTINE</priority>
              <classification>RESTRICTED</classification>
              <handlingCodes>
                <handlingCode>H1</handlingCode>
              </handlingCodes>
              <evaluation>
                <sourceReliability>B</sourceReliability>
                <informationAssessment>2</informationAssessment>
              </evaluation>
              <body>
                <location id="L1">
                  <name>Port of Algeciras</name>
                  <country>ES</country>
                </location>
                <freeText>""";
    private static final String TAIL = """
            </freeText>
              </body>
            </Envelope>
            """;
    private static final String FILLER = "BENCHMARK - fictional text, not real data. ";

    private final int size;

    BenchEnvelopes(int size) {
        int smallest = bytes(UUID.randomUUID().toString(), "x").length;
        if (size < smallest || size > MAX_SIZE) {
            throw new IllegalArgumentException("--size must be between " + smallest + " and " + MAX_SIZE
                    + " bytes, not " + size);
        }
        this.size = size;
    }

    /** The envelope of this messageId, exactly {@code size} bytes long. */
    byte[] envelope(String messageId) {
        int text = size - bytes(messageId, "").length;
        StringBuilder filler = new StringBuilder(text);
        while (filler.length() < text) {
            filler.append(FILLER, 0, Math.min(FILLER.length(), text - filler.length()));
        }
        return bytes(messageId, filler.toString());
    }

    private static byte[] bytes(String messageId, String text) {
        return (HEAD.formatted(messageId) + text + TAIL).getBytes(StandardCharsets.UTF_8);
    }
}
