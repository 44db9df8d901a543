package fr.passerelle.gateway.console.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.console.partners.CertificateExpiries;
import fr.passerelle.gateway.review.HeldMessage;
import fr.passerelle.gateway.review.ReviewService;

/**
 * The console's home page: the last day's traffic per partner, each partner queue's backlog, what waits for
 * review and in quarantine, and the certificates close to expiry. Every figure is limited to the desks the user
 * sees: partners outside an officer's desks are never looked up, whatever the queries return.
 */
@Controller
class DashboardController {

    static final Duration TRAFFIC_WINDOW = Duration.ofHours(24);

    /** One partner queue's depth. */
    record Backlog(String partner, String queue, Long messages) {
    }

    private final PasserelleProperties properties;
    private final TrafficCounts traffic;
    private final QuarantineCount quarantine;
    private final QueueDepths broker;
    private final ReviewService review;
    private final CertificateExpiries certificates;
    private final Clock clock;

    DashboardController(PasserelleProperties properties, TrafficCounts traffic, QuarantineCount quarantine,
            QueueDepths broker, ReviewService review, CertificateExpiries certificates, Clock clock) {
        this.properties = properties;
        this.traffic = traffic;
        this.quarantine = quarantine;
        this.broker = broker;
        this.review = review;
        this.certificates = certificates;
        this.clock = clock;
    }

    @GetMapping("/")
    String dashboard(Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        List<String> partners = properties.partners().keySet().stream().filter(scope::sees).sorted().toList();
        Instant since = clock.instant().minus(TRAFFIC_WINDOW);
        Map<String, TrafficCounts.Traffic> figures = traffic.since(scope, since);
        String us = properties.identity().id();

        model.addAttribute("allDesks", scope.all());
        model.addAttribute("partners", partners);
        model.addAttribute("since", since);
        model.addAttribute("chart", TrafficChart.of(partners, figures));
        model.addAttribute("totalMessages", partners.stream()
                .mapToLong(partner -> figures.getOrDefault(partner, TrafficCounts.Traffic.NONE).total()).sum());
        model.addAttribute("backlogs", partners.stream().map(partner -> {
            String queue = "partner." + partner + ".out";
            return new Backlog(partner, queue, QueueDepths.ifKnown(broker, queue));
        }).toList());
        model.addAttribute("awaitingReview", review.pending().stream().filter(held -> concerns(held, scope)).count());
        model.addAttribute("quarantined", quarantine.count(scope));
        // Our own certificates concern every desk: when they expire, nothing goes out to anyone.
        model.addAttribute("expiring", certificates.all().stream()
                .filter(expiry -> expiry.near() && (expiry.party().equals(us) || scope.sees(expiry.party())))
                .toList());
        model.addAttribute("warnDays", certificates.warnDays());
        model.addAttribute("us", us);
        return "dashboard/index";
    }

    /** Whether a held message is for one of the partners the user sees. */
    private static boolean concerns(HeldMessage held, DeskScope scope) {
        return scope.all() || held.partners() != null && Arrays.stream(held.partners().split(","))
                .map(String::trim).anyMatch(scope::sees);
    }
}
