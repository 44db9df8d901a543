package fr.passerelle.gateway.cli;

import java.nio.file.Path;

import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartyDirectory;
import picocli.CommandLine.Option;

/** Where {@code seal} and {@code open} find our keys and the partner's certificates. */
final class PkiOptions {

    @Option(names = "--identity", paramLabel = "DIR", defaultValue = "certs-sample/fr",
            description = "Our key folder (sign.pem/key, enc.pem/key). Default: ${DEFAULT-VALUE}.")
    Path identityDirectory;

    @Option(names = "--identity-id", paramLabel = "ID", defaultValue = "fr",
            description = "Our party id. Default: ${DEFAULT-VALUE}.")
    String identityId;

    @Option(names = "--partners", paramLabel = "DIR", defaultValue = "certs-sample",
            description = "Folder holding one folder per partner (ca.pem, enc.pem). Default: ${DEFAULT-VALUE}.")
    Path partnersDirectory;

    LocalIdentity identity() {
        return PartyDirectory.identity(identityId, identityDirectory);
    }

    Partner partner(String id) {
        return PartyDirectory.partner(id, partnersDirectory.resolve(id));
    }
}
