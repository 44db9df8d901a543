package fr.passerelle.gateway.console;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * A console user as Spring Security sees them: roles as authorities ({@code ROLE_OFFICER}, ...), the desks an
 * officer works for, and whether repeated failed logins have locked the account.
 */
public final class ConsoleAccount implements UserDetails {

    private final String username;
    private final String passwordHash;
    private final List<GrantedAuthority> authorities;
    private final Set<String> desks;
    private final boolean locked;

    public ConsoleAccount(String username, String passwordHash, List<String> roles, Set<String> desks, boolean locked) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.authorities = roles.stream().map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role))
                .toList();
        this.desks = Set.copyOf(desks);
        this.locked = locked;
    }

    /** The partners whose traffic an OFFICER sees. */
    public Set<String> desks() {
        return desks;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return authorities;
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public boolean isAccountNonLocked() {
        return !locked;
    }

    @Override
    public String toString() {
        return "ConsoleAccount[" + username + ", " + authorities + ", desks=" + desks + "]";
    }
}
