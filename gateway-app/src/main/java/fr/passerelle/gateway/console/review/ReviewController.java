package fr.passerelle.gateway.console.review;

import java.util.Arrays;
import java.util.function.Supplier;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.review.HeldMessage;
import fr.passerelle.gateway.review.ReviewException;
import fr.passerelle.gateway.review.ReviewService;

/**
 * The supervisors' review: the messages a releasability rule holds, and the approve and reject decisions. The
 * decision is always in the logged-in supervisor's name; ReviewService refuses the submitter's own approval and
 * audits every decision.
 */
@Controller
@RequestMapping("/review")
class ReviewController {

    /** The longest comment the decision record keeps. */
    static final int MAX_COMMENT = 2000;

    private final ReviewService review;

    ReviewController(ReviewService review) {
        this.review = review;
    }

    @GetMapping
    String list(Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        model.addAttribute("held", review.pending().stream().filter(held -> visible(scope, held)).toList());
        model.addAttribute("maxComment", MAX_COMMENT);
        return "review/list";
    }

    @PostMapping("/{messageId}/approve")
    String approve(@PathVariable String messageId, @RequestParam(required = false) String comment,
            Authentication authentication, RedirectAttributes flash) {
        String note = blankToNull(comment);
        return decide(note, flash, () -> {
            review.approve(messageId, authentication.getName(), note);
            return "Approved: message " + messageId + " leaves for its partners.";
        });
    }

    @PostMapping("/{messageId}/reject")
    String reject(@PathVariable String messageId, @RequestParam(required = false) String comment,
            Authentication authentication, RedirectAttributes flash) {
        String note = blankToNull(comment);
        if (note == null) {
            flash.addFlashAttribute("error", "To reject a message, say why in the comment: its service is told.");
            return "redirect:/review";
        }
        return decide(note, flash, () -> {
            review.reject(messageId, authentication.getName(), note);
            return "Rejected: message " + messageId + " is in quarantine and its service is told why.";
        });
    }

    private static String decide(String note, RedirectAttributes flash, Supplier<String> decision) {
        if (note != null && note.length() > MAX_COMMENT) {
            flash.addFlashAttribute("error", "The comment is too long: " + MAX_COMMENT + " characters at most.");
            return "redirect:/review";
        }
        try {
            flash.addFlashAttribute("notice", decision.get());
        } catch (ReviewException e) {
            flash.addFlashAttribute("error", e.reason().sentence());
        }
        return "redirect:/review";
    }

    /** Supervisors see every desk; anyone with a narrower scope sees only messages all of whose partners they see. */
    private static boolean visible(DeskScope scope, HeldMessage held) {
        return scope.all() || held.partners() != null
                && Arrays.stream(held.partners().split(",")).map(String::trim).allMatch(scope::sees);
    }

    private static String blankToNull(String comment) {
        return comment == null || comment.isBlank() ? null : comment.strip();
    }
}
