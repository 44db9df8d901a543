package fr.passerelle.gateway.config;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import fr.passerelle.pki.Pem;
import fr.passerelle.pki.PkiException;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartyDirectory;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.validate.EnvelopeReader;

/**
 * Loads our keys and the partners' certificates at start; a missing or bad file names its configuration key, and so
 * does one of our current key pairs that cannot serve (see {@link OurCertificates}).
 */
@Configuration(proxyBeanMethods = false)
class PartiesConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Parties parties(PasserelleProperties properties, Clock clock, SecurityProfiles profiles) {
        Path ours = properties.identity().directory();
        LocalIdentity identity = load(OurCertificates.KEY,
                () -> PartyDirectory.identity(properties.identity().id(), ours));
        List<X509Certificate> ourCa = load(OurCertificates.KEY,
                () -> Pem.readCertificates(PartyDirectory.required(ours, "ca.pem")));
        OurCertificates.check("sign", identity.signing(), ourCa, clock);
        OurCertificates.check("enc", identity.decryption().get(0), ourCa, clock);
        Map<String, Partner> partners = new LinkedHashMap<>();
        properties.partners().forEach((id, partner) -> {
            if (!id.matches(PasserelleProperties.PARTY_ID)) {
                throw new InvalidConfigurationException("passerelle.partners." + id,
                        "a partner id must match " + PasserelleProperties.PARTY_ID);
            }
            if (!profiles.names().contains(partner.profile())) {
                throw new InvalidConfigurationException("passerelle.partners." + id + ".profile",
                        "'" + partner.profile() + "' is not a security profile; use one of " + profiles.names());
            }
            partners.put(id, load("passerelle.partners." + id + ".directory",
                    () -> PartyDirectory.partner(id, partner.directory(), clock)).withProfile(partner.profile()));
        });
        if (!properties.services().contains(properties.defaultService())) {
            throw new InvalidConfigurationException("passerelle.default-service",
                    "'" + properties.defaultService() + "' is not one of passerelle.services " + properties.services());
        }
        for (String service : properties.services()) {
            if (partners.containsKey(service)) {
                throw new InvalidConfigurationException("passerelle.services",
                        "'" + service + "' is both a national service and a partner");
            }
        }
        if (partners.containsKey(identity.id())) {
            throw new InvalidConfigurationException("passerelle.partners." + identity.id(),
                    "'" + identity.id() + "' is this gateway's own id (passerelle.identity.id), not a partner");
        }
        Map<String, List<String>> senders = new LinkedHashMap<>();
        properties.partners().forEach((id, partner) -> senders.put(id, partner.senders()));
        return new Parties(identity, partners, properties.services(), properties.defaultService(), senders);
    }

    @Bean
    OurTls ourTls(PasserelleProperties properties, Clock clock) {
        Path directory = properties.identity().directory();
        OurTls tls = load(OurCertificates.KEY, () -> new OurTls(PartyDirectory.credential(directory, "tls"),
                Pem.readCertificates(PartyDirectory.required(directory, "ca.pem"))));
        OurCertificates.check("tls", tls.credential(), tls.chain(), clock);
        return tls;
    }

    @Bean
    CmsProfile cmsProfile() {
        return new CmsProfile();
    }

    @Bean
    SecurityProfiles securityProfiles(PasserelleProperties properties) {
        return GatewayProfiles.of(properties);
    }

    @Bean
    EnvelopeReader envelopeReader(PasserelleProperties properties) {
        return new EnvelopeReader(properties.maxMessageBytes());
    }

    private static <T> T load(String key, java.util.function.Supplier<T> loader) {
        try {
            return loader.get();
        } catch (PkiException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, e.getMessage());
        }
    }
}
