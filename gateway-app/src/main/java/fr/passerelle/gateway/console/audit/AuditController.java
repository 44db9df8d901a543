package fr.passerelle.gateway.console.audit;

import java.io.Serializable;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * The audit trail for auditors, supervisors and administrators (the URL rules let no one else in): a search by
 * message, event, actor, partner and dates, newest first, and the chain's verification on demand.
 */
@Controller
class AuditController {

    private static final Logger LOG = LoggerFactory.getLogger(AuditController.class);

    /**
     * The outcome of a verification, carried to the page shown after it.
     *
     * @param brokenSeq the first broken record, or null when intact
     * @param problem what is wrong with it, or null when intact
     */
    record Verified(boolean intact, long records, Long brokenSeq, String problem, Instant at, String by)
            implements Serializable {
    }

    private final AuditSearch search;
    private final AuditVerification verification;
    private final PasserelleProperties properties;
    private final Clock clock;
    private final AuditTrail audit;

    AuditController(AuditSearch search, AuditVerification verification, PasserelleProperties properties,
            Clock clock, AuditTrail audit) {
        this.audit = audit;
        this.search = search;
        this.verification = verification;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/audit")
    String list(@RequestParam(required = false) String messageId,
            @RequestParam(required = false) AuditEvent event,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String partner,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) Long before,
            @RequestParam(required = false) Long after,
            Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        AuditSearch.Criteria criteria = new AuditSearch.Criteria(messageId, event, actor, partner, from, to);
        AuditSearch.Page page = search.search(criteria, scope, before, after);
        model.addAttribute("criteria", criteria);
        model.addAttribute("events", AuditEvent.values());
        model.addAttribute("partners", properties.partners().keySet().stream().filter(scope::sees).sorted().toList());
        model.addAttribute("page", page);
        model.addAttribute("newerUrl", page.newer() == null ? null : url(criteria, "after", page.newer()));
        model.addAttribute("olderUrl", page.older() == null ? null : url(criteria, "before", page.older()));
        model.addAttribute("checkpoint", verification.lastCheckpoint().orElse(null));
        return "audit/list";
    }

    @PostMapping("/audit/verify")
    String verify(Authentication authentication, RedirectAttributes redirect) {
        try {
            AuditVerifier.Result result = verification.verify();
            audit.record(null, AuditEvent.AUDIT_VERIFIED, authentication.getName(), null, result.intact()
                    ? "intact, " + result.records() + " records" : "broken at record " + result.brokenSeq());
            redirect.addFlashAttribute("verified", new Verified(result.intact(), result.records(), result.brokenSeq(),
                    result.problem(), clock.instant(), authentication.getName()));
        } catch (SQLException e) {
            LOG.warn("audit verification from the console could not read the trail: {}", e.toString());
            redirect.addFlashAttribute("verificationFailed", true);
        }
        return "redirect:/audit";
    }

    /** The same search, paged from {@code seq} in one direction; every value strictly encoded. */
    private static String url(AuditSearch.Criteria criteria, String direction, long seq) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("messageId", criteria.messageId());
        values.put("event", criteria.event());
        values.put("actor", criteria.actor());
        values.put("partner", criteria.partner());
        values.put("from", criteria.from());
        values.put("to", criteria.to());
        values.put(direction, seq);
        values.values().removeIf(Objects::isNull);
        UriComponentsBuilder url = UriComponentsBuilder.fromPath("/audit");
        values.keySet().forEach(name -> url.queryParam(name, "{" + name + "}"));
        return url.encode().buildAndExpand(values).toUriString();
    }
}
