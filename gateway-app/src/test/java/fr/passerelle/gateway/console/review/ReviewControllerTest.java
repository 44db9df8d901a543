package fr.passerelle.gateway.console.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import fr.passerelle.gateway.console.ConsoleAccount;
import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.review.HeldMessage;
import fr.passerelle.gateway.review.ReviewException;
import fr.passerelle.gateway.review.ReviewService;

/**
 * The review page under the console's real security rules, with the review service mocked: only supervisors get
 * in, decisions are made in the logged-in supervisor's name and need the CSRF token, a refused decision shows its
 * sentence, and a rejection needs a comment.
 */
@WebMvcTest(ReviewController.class)
@Import(ReviewControllerTest.Security.class)
class ReviewControllerTest {

    private static final String ID = "0e4b5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b";

    /** ConsoleSecurity is package-private to the console package: it is picked up by name. */
    @TestConfiguration
    @ComponentScan(basePackages = "fr.passerelle.gateway.console", useDefaultFilters = false,
            includeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
                    pattern = "fr\\.passerelle\\.gateway\\.console\\.ConsoleSecurity"))
    static class Security {
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    ReviewService review;

    @BeforeEach
    void onTheConsolePort() {
        when(console.isConsole(any())).thenReturn(true);
    }

    private static ConsoleAccount account(String name, String role, String... desks) {
        return new ConsoleAccount(name, "{noop}unused", List.of(role), Set.of(desks), false);
    }

    private static HeldMessage held() {
        return new HeldMessage(ID, "ofast", "officer-morocco", "morocco", "handling code H2 <b>needs review</b>",
                Instant.parse("2025-03-04T10:15:00Z"));
    }

    /** An officer, an auditor and an administrator are refused the page and the decisions: supervisors only. */
    @Test
    void onlySupervisorsReview() throws Exception {
        for (ConsoleAccount other : List.of(account("officer-morocco", "OFFICER", "morocco"),
                account("auditor", "AUDITOR"), account("admin", "ADMIN"))) {
            mvc.perform(get("/review").with(user(other))).andExpect(status().isForbidden());
            mvc.perform(post("/review/" + ID + "/approve").with(user(other)).with(csrf()))
                    .andExpect(status().isForbidden());
        }
        verifyNoInteractions(review);
    }

    /** The supervisor sees what waits, escaped, each with its approve button and comment field. */
    @Test
    void theSupervisorSeesWhatWaits() throws Exception {
        when(review.pending()).thenReturn(List.of(held()));

        String page = mvc.perform(get("/review").with(user(account("supervisor", "SUPERVISOR"))))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("id=\"approve-" + ID + "\"").contains("id=\"reject-" + ID + "\"")
                .contains("id=\"comment-" + ID + "\"").contains("officer-morocco").contains("2025-03-04 10:15 UTC")
                .contains("H2 &lt;b&gt;needs review&lt;/b&gt;").doesNotContain("<b>needs review</b>")
                .contains("name=\"_csrf\"");
    }

    /** Approve is made in the logged-in name, whatever name the form carries. */
    @Test
    void approvalIsInTheLoggedInName() throws Exception {
        mvc.perform(post("/review/" + ID + "/approve").with(user(account("supervisor", "SUPERVISOR"))).with(csrf())
                        .param("comment", "  source protected  ").param("approver", "someone-else")
                        .param("username", "someone-else"))
                .andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/review"))
                .andExpect(flash().attribute("notice", "Approved: message " + ID + " leaves for its partners."));

        verify(review).approve(ID, "supervisor", "source protected");
    }

    /** The submitter's own approval: the four-eyes sentence is shown and the message stays listed. */
    @Test
    void theSubmittersOwnApprovalShowsTheFourEyesSentence() throws Exception {
        doThrow(new ReviewException(ReviewException.Reason.SAME_PERSON, ID)).when(review)
                .approve(ID, "officer-supervisor", null);

        mvc.perform(post("/review/" + ID + "/approve").with(user(account("officer-supervisor", "SUPERVISOR")))
                        .with(csrf()))
                .andExpect(redirectedUrl("/review"))
                .andExpect(flash().attribute("error", ReviewException.Reason.SAME_PERSON.sentence()));

        when(review.pending()).thenReturn(List.of(held()));
        String page = mvc.perform(get("/review").with(user(account("officer-supervisor", "SUPERVISOR")))
                        .flashAttr("error", ReviewException.Reason.SAME_PERSON.sentence()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("role=\"alert\"").contains("Four eyes:").contains("id=\"approve-" + ID + "\"");
    }

    /** A rejection without a comment is not sent; with one, it is, in the logged-in name. */
    @Test
    void aRejectionNeedsAComment() throws Exception {
        mvc.perform(post("/review/" + ID + "/reject").with(user(account("supervisor", "SUPERVISOR"))).with(csrf())
                        .param("comment", "   "))
                .andExpect(redirectedUrl("/review")).andExpect(flash().attributeExists("error"));
        verify(review, never()).reject(anyString(), anyString(), any());

        mvc.perform(post("/review/" + ID + "/reject").with(user(account("supervisor", "SUPERVISOR"))).with(csrf())
                        .param("comment", "the informant could be identified"))
                .andExpect(redirectedUrl("/review")).andExpect(flash().attributeExists("notice"));
        verify(review).reject(ID, "supervisor", "the informant could be identified");
    }

    /** A decision without the CSRF token is refused before it reaches the service. */
    @Test
    void aDecisionNeedsTheCsrfToken() throws Exception {
        mvc.perform(post("/review/" + ID + "/approve").with(user(account("supervisor", "SUPERVISOR"))))
                .andExpect(status().isForbidden());
        mvc.perform(post("/review/" + ID + "/reject").with(user(account("supervisor", "SUPERVISOR")))
                        .param("comment", "no"))
                .andExpect(status().isForbidden());
        verifyNoInteractions(review);
    }
}
