package fr.passerelle.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import fr.passerelle.pki.PkiException;
import fr.passerelle.routes.seal.PqHybridProfile;
import fr.passerelle.routes.seal.SecurityProfile;
import fr.passerelle.routes.seal.SecurityProfiles;

/**
 * The security profiles this configuration offers: {@code cms} and {@code xml} always; the EXPERIMENTAL
 * {@code pq-hybrid} when our key folder holds the post-quantum keys it needs ({@code mldsa.*}, {@code mlkem.*}),
 * so that a gateway without them starts as before.
 */
public final class GatewayProfiles {

    private GatewayProfiles() {
    }

    public static SecurityProfiles of(PasserelleProperties properties) {
        return of(properties.identity().directory(),
                properties.partners().values().stream().map(PasserelleProperties.Partner::directory).toList());
    }

    /** The profiles for our key folder and these partner folders. */
    public static SecurityProfiles of(Path ourDirectory, List<Path> partnerDirectories) {
        List<SecurityProfile> profiles = new ArrayList<>(SecurityProfiles.standard().all());
        if (Files.exists(ourDirectory.resolve("mldsa.key"))) {
            try {
                profiles.add(PqHybridProfile.load(ourDirectory, partnerDirectories));
            } catch (PkiException e) {
                throw new InvalidConfigurationException("passerelle.identity.directory",
                        "the post-quantum keys of the pq-hybrid profile cannot be read: " + e.getMessage());
            }
        }
        return new SecurityProfiles(profiles);
    }
}
