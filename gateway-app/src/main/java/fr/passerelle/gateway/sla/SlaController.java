package fr.passerelle.gateway.sla;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import fr.passerelle.gateway.console.DeskScope;

/** The console page of open SLA breaches, oldest first, within the user's desks; each links to its message. */
@Controller
class SlaController {

    /** The most breaches the page lists. */
    static final int SHOWN = 200;

    /**
     * One open breach as the page shows it.
     *
     * @param breach the breach
     * @param waiting how long the message has waited so far
     */
    record Row(Breach breach, Duration waiting) {
    }

    private final SlaBreaches breaches;
    private final SlaProperties settings;
    private final Clock clock;

    SlaController(SlaBreaches breaches, SlaProperties settings, Clock clock) {
        this.breaches = breaches;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/sla")
    String list(Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        Instant now = clock.instant();
        List<Row> rows = breaches.openBreaches(SHOWN * 10).stream()
                .filter(breach -> scope.sees(breach.partner()))
                .limit(SHOWN)
                .map(breach -> new Row(breach, Duration.between(breach.storedAt(), now).withNanos(0)))
                .toList();
        model.addAttribute("rows", rows);
        model.addAttribute("shown", SHOWN);
        model.addAttribute("immediate", settings.immediate());
        model.addAttribute("urgent", settings.urgent());
        model.addAttribute("allDesks", scope.all());
        return "sla/list";
    }
}
