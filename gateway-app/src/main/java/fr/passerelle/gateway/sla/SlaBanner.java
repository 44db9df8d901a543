package fr.passerelle.gateway.sla;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import fr.passerelle.gateway.console.DeskScope;

/**
 * Gives every console page the open SLA breaches a signed-in user may see, as {@code sla}: the layout shows a
 * banner when there are any, the dashboard shows the count. An officer counts the breaches of their desks only.
 * Without the SLA watch (console tests of one controller) the attribute is absent and nothing is claimed.
 */
@ControllerAdvice(basePackages = {"fr.passerelle.gateway.console", "fr.passerelle.gateway.sla"})
class SlaBanner {

    /**
     * The open breaches a user sees.
     *
     * @param open how many
     */
    record Status(long open) {
    }

    private final ObjectProvider<SlaBreaches> breaches;

    SlaBanner(ObjectProvider<SlaBreaches> breaches) {
        this.breaches = breaches;
    }

    @ModelAttribute("sla")
    Status sla(Authentication authentication) {
        SlaBreaches known = breaches.getIfAvailable();
        if (authentication == null || known == null) {
            return null;
        }
        DeskScope scope = DeskScope.of(authentication);
        return new Status(known.openByPartner().entrySet().stream().filter(entry -> scope.sees(entry.getKey()))
                .mapToLong(entry -> entry.getValue()).sum());
    }
}
