package fr.passerelle.gateway.console;

import java.util.Set;

import org.springframework.security.core.Authentication;

/**
 * Which partners' traffic a console user may see: all of them for a SUPERVISOR, an AUDITOR or an ADMIN; only
 * their desks for an OFFICER. Every page that lists, shows or searches messages goes through this.
 *
 * @param all whether every partner is visible
 * @param partners the visible partners when not all
 */
public record DeskScope(boolean all, Set<String> partners) {

    public DeskScope {
        partners = Set.copyOf(partners);
    }

    public static DeskScope of(Authentication authentication) {
        boolean all = authentication.getAuthorities().stream().anyMatch(authority -> Set.of("ROLE_SUPERVISOR",
                "ROLE_AUDITOR", "ROLE_ADMIN").contains(authority.getAuthority()));
        if (all) {
            return new DeskScope(true, Set.of());
        }
        return new DeskScope(false, authentication.getPrincipal() instanceof ConsoleAccount account
                ? account.desks() : Set.of());
    }

    /** Whether this partner's traffic is visible. */
    public boolean sees(String partner) {
        return all || partners.contains(partner);
    }
}
