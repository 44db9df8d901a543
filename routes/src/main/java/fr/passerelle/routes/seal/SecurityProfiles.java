package fr.passerelle.routes.seal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The security profiles the gateway offers, by name. */
public final class SecurityProfiles {

    private final Map<String, SecurityProfile> byName = new LinkedHashMap<>();

    /** The profiles every gateway offers. */
    public static SecurityProfiles standard() {
        return new SecurityProfiles(List.of(new CmsProfile(), new XmlProfile()));
    }

    public SecurityProfiles(List<SecurityProfile> profiles) {
        for (SecurityProfile profile : profiles) {
            byName.put(profile.name(), profile);
        }
    }

    /** The profile of that name; an unknown name is a configuration error. */
    public SecurityProfile get(String name) {
        SecurityProfile profile = byName.get(name);
        if (profile == null) {
            throw new IllegalArgumentException("unknown security profile '" + name + "'; known: " + byName.keySet());
        }
        return profile;
    }

    /** Every profile, in the order given. */
    public List<SecurityProfile> all() {
        return List.copyOf(byName.values());
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
