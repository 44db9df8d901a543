package fr.passerelle.gateway.routing;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.routes.inbound.CaseRegistry;

/** The case registry in the {@code case_reference} table, shared by the gateway instances of one database. */
public class JdbcCaseRegistry implements CaseRegistry {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public JdbcCaseRegistry(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void remember(String caseReference, String service) {
        Objects.requireNonNull(caseReference, "caseReference");
        Objects.requireNonNull(service, "service");
        Integer rows = jdbc.queryForObject("select count(*) from case_reference where case_reference = ? and service = ?",
                Integer.class, caseReference, service);
        if (rows != null && rows > 0) {
            return;
        }
        try {
            jdbc.update("insert into case_reference (case_reference, service, first_seen) values (?, ?, ?)",
                    caseReference, service, Timestamp.from(clock.instant()));
        } catch (DuplicateKeyException e) {
            // Another gateway instance recorded the same pair in between: its row is as good as ours.
        }
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
