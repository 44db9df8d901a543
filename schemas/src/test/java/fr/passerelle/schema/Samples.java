package fr.passerelle.schema;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.transform.stream.StreamSource;
import org.xml.sax.SAXException;

/** Access to the sample envelopes kept in schemas/samples/ at the repository root. */
final class Samples {

    private Samples() {
    }

    static Path directory() {
        // The property is set by the parent pom; it can point elsewhere when the build is started
        // from inside the module, hence the fallback on the parent of the working directory.
        String configured = System.getProperty("passerelle.root");
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured, "schemas", "samples");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        return Paths.get("..", "schemas", "samples");
    }

    static List<Path> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path named(String fileName) {
        return directory().resolve(fileName);
    }

    static String read(String fileName) {
        try {
            return Files.readString(named(fileName), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void validateEnvelope(String xml) throws SAXException, IOException {
        Schemas.newValidator(Schemas.envelopeSchema()).validate(new StreamSource(new StringReader(xml)));
    }

    static void validateReceipt(String xml) throws SAXException, IOException {
        Schemas.newValidator(Schemas.receiptSchema()).validate(new StreamSource(new StringReader(xml)));
    }
}
