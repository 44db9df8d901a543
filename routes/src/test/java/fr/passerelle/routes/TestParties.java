package fr.passerelle.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fr.passerelle.routes.seal.Partner;

/** The sample configuration: fr, the six sample partners and the five national services. */
public final class TestParties {

    public static final List<String> PARTNERS = List.of("europol", "spain", "morocco", "caribbean", "benelux", "amon");
    public static final List<String> SERVICES = List.of("ofast", "douane", "gendarmerie", "police", "tracfin");

    private TestParties() {
    }

    public static Parties sample() {
        Map<String, Partner> partners = new LinkedHashMap<>();
        for (String id : PARTNERS) {
            partners.put(id, TestPki.partner(id));
        }
        return new Parties(TestPki.identity("fr"), partners, SERVICES, "ofast");
    }
}
