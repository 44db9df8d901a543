package fr.passerelle.gateway.console.quarantine;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import fr.passerelle.gateway.console.DeskScope;

/**
 * The quarantine: what was refused and why, one message's headers and (audited) envelope, and the administrator's
 * discard and release. Readers are administrators, supervisors and auditors; only administrators act (both rules
 * are ConsoleSecurity's).
 */
@Controller
@RequestMapping("/quarantine")
class QuarantineController {

    /** How many messages the list shows: the quarantine is a work queue, not an archive. */
    static final int SHOWN = 200;

    private final Quarantine quarantine;

    QuarantineController(Quarantine quarantine) {
        this.quarantine = quarantine;
    }

    @GetMapping
    String list(Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        List<Quarantine.Item> items = quarantine.list(SHOWN + 1).stream().filter(item -> visible(scope, item))
                .toList();
        model.addAttribute("items", items.subList(0, Math.min(SHOWN, items.size())));
        model.addAttribute("more", items.size() > SHOWN);
        model.addAttribute("shown", SHOWN);
        return "quarantine/list";
    }

    /** One message; {@code show=content} displays the envelope of an outbound refusal, which is audited. */
    @GetMapping("/{id}")
    String detail(@PathVariable String id, @RequestParam(required = false) String show,
            Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        Quarantine.Item item = quarantine.find(id).filter(found -> visible(scope, found))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("item", item);
        if ("content".equals(show) && item.plaintext()) {
            model.addAttribute("content", quarantine.content(item.id(), authentication.getName()).orElse(null));
        }
        return "quarantine/detail";
    }

    /** Discards for good; the form's confirmation box must be ticked. */
    @PostMapping("/{id}/discard")
    String discard(@PathVariable String id, @RequestParam(required = false) String confirm,
            Authentication authentication, RedirectAttributes flash) {
        if (!"yes".equals(confirm)) {
            flash.addFlashAttribute("error", "Tick the box to confirm: a discarded message cannot be brought back.");
            flash.addAttribute("id", id);
            return "redirect:/quarantine/{id}";
        }
        try {
            flash.addFlashAttribute("notice", quarantine.discard(id, authentication.getName()));
        } catch (QuarantineException e) {
            flash.addFlashAttribute("error", e.reason().sentence());
        }
        return "redirect:/quarantine";
    }

    @PostMapping("/{id}/release")
    String release(@PathVariable String id, Authentication authentication, RedirectAttributes flash) {
        try {
            flash.addFlashAttribute("notice", quarantine.release(id, authentication.getName()));
        } catch (QuarantineException e) {
            flash.addFlashAttribute("error", e.reason().sentence());
        }
        return "redirect:/quarantine";
    }

    /**
     * The quarantine is for those who see every desk; should an officer ever be let in, they would see only their
     * desks' messages, and none that concerns no partner.
     */
    private static boolean visible(DeskScope scope, Quarantine.Item item) {
        return scope.all() || item.partner() != null && scope.sees(item.partner());
    }
}
