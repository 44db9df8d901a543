package fr.passerelle.gateway.routing;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.routes.inbound.CaseRegistry;

/**
 * The case registry in the {@code case_reference} table, shared by the gateway instances of one database. Rows are
 * never deleted, so the pairs this instance has seen in the table are remembered here too (the latest
 * {@value #KNOWN_PAIRS}): a case's later messages cost no database round trip.
 */
public class JdbcCaseRegistry implements CaseRegistry {

    /** How many case reference and service pairs known to be in the table are kept in memory. */
    static final int KNOWN_PAIRS = 10_000;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Map<List<String>, Boolean> known;

    public JdbcCaseRegistry(JdbcTemplate jdbc, Clock clock) {
        this(jdbc, clock, KNOWN_PAIRS);
    }

    /** @param knownPairs how many pairs known to be in the table are kept in memory, the least recently used going */
    JdbcCaseRegistry(JdbcTemplate jdbc, Clock clock, int knownPairs) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<String>, Boolean> eldest) {
                return size() > knownPairs;
            }
        });
    }

    @Override
    public void remember(String caseReference, String service) {
        Objects.requireNonNull(caseReference, "caseReference");
        Objects.requireNonNull(service, "service");
        List<String> pair = List.of(caseReference, service);
        if (known.containsKey(pair)) {
            return;
        }
        Integer rows = jdbc.queryForObject("select count(*) from case_reference where case_reference = ? and service = ?",
                Integer.class, caseReference, service);
        if (rows == null || rows == 0) {
            try {
                jdbc.update("insert into case_reference (case_reference, service, first_seen) values (?, ?, ?)",
                        caseReference, service, Timestamp.from(clock.instant()));
            } catch (DuplicateKeyException e) {
                // Another gateway instance recorded the same pair in between: its row is as good as ours.
            }
        }
        known.put(pair, Boolean.TRUE);
    }

    @Override
    public Set<String> servicesFor(String caseReference) {
        if (caseReference == null) {
            return Set.of();
        }
        return new LinkedHashSet<>(jdbc.queryForList("select service from case_reference where case_reference = ?"
                + " order by first_seen, service", String.class, caseReference));
    }
}
