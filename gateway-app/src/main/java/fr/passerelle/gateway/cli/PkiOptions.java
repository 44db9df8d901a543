package fr.passerelle.gateway.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import fr.passerelle.gateway.config.GatewayProfiles;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartyDirectory;
import fr.passerelle.routes.seal.SecurityProfiles;
import picocli.CommandLine.Option;

/**
 * Where {@code seal} and {@code open} find our keys, the partner's certificates and its security profile: the
 * gateway's configuration, unless an option says otherwise.
 */
final class PkiOptions {

    @Option(names = "--identity", paramLabel = "DIR",
            description = "Our key folder (sign.pem/key, enc.pem/key). Default: passerelle.identity.directory.")
    Path identityDirectory;

    @Option(names = "--identity-id", paramLabel = "ID",
            description = "Our party id. Default: passerelle.identity.id.")
    String identityId;

    @Option(names = "--partner-dir", paramLabel = "DIR",
            description = "The partner's folder (ca.pem, enc.pem, crl.pem). Default: "
                    + "passerelle.partners.<P>.directory.")
    Path partnerDirectory;

    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "Security profile: cms, xml, or pq-hybrid (experimental). "
                    + "Default: the partner's passerelle.partners.<P>.profile.")
    String profile;

    private PasserelleProperties configuration;

    private PasserelleProperties configuration() {
        if (configuration == null) {
            configuration = ConfigurationFiles.load();
        }
        return configuration;
    }

    /** The profiles the configuration offers, as the gateway would build them. */
    SecurityProfiles profiles() {
        Path ours = identityDirectory != null ? identityDirectory : configuration().identity().directory();
        List<Path> partners = new ArrayList<>();
        configuration().partners().values().forEach(partner -> partners.add(partner.directory()));
        if (partnerDirectory != null) {
            partners.add(partnerDirectory);
        }
        return GatewayProfiles.of(ours, partners);
    }

    LocalIdentity identity() {
        String id = identityId != null ? identityId : configuration().identity().id();
        Path dir = identityDirectory != null ? identityDirectory : configuration().identity().directory();
        return PartyDirectory.identity(id, dir);
    }

    /** The partner, with its configured profile unless {@code --profile} says otherwise. */
    Partner partner(String id) {
        PasserelleProperties.Partner configured = configuration().partners().get(id);
        if (configured == null && partnerDirectory == null) {
            throw new IllegalArgumentException("'" + id + "' is not a configured partner (passerelle.partners."
                    + id + "); name its folder with --partner-dir");
        }
        Path dir = partnerDirectory != null ? partnerDirectory : configured.directory();
        String chosen = profile != null ? profile
                : configured != null ? configured.profile() : Partner.DEFAULT_PROFILE;
        return PartyDirectory.partner(id, dir).withProfile(chosen);
    }
}
