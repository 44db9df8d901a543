package fr.passerelle.gateway.console;

import java.util.LinkedHashSet;
import java.util.Map;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.config.InvalidConfigurationException;
import fr.passerelle.gateway.config.PasserelleProperties;

/** The console's users, from {@code passerelle.console.users}: BCrypt hashes, roles and desks; checked at start. */
@Component
public class ConsoleUsers implements UserDetailsService {

    private final Map<String, PasserelleProperties.ConsoleUser> users;
    private final LoginAttempts attempts;

    ConsoleUsers(PasserelleProperties properties, LoginAttempts attempts) {
        this.users = Map.copyOf(properties.console().users());
        this.attempts = attempts;
        users.forEach((name, user) -> {
            String key = "passerelle.console.users." + name;
            if (!user.passwordHash().startsWith("{bcrypt}$2")) {
                throw new InvalidConfigurationException(key + ".password-hash",
                        "a BCrypt hash ({bcrypt}$2a$...) is expected, never a password");
            }
            if (user.roles().contains("OFFICER") && user.desks().isEmpty()) {
                throw new InvalidConfigurationException(key + ".desks", "an OFFICER works for at least one desk");
            }
            for (String desk : user.desks()) {
                if (!properties.partners().containsKey(desk)) {
                    throw new InvalidConfigurationException(key + ".desks", "'" + desk + "' is not a partner");
                }
            }
        });
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        PasserelleProperties.ConsoleUser user = users.get(username);
        if (user == null) {
            throw new UsernameNotFoundException("no such console user");
        }
        return new ConsoleAccount(username, user.passwordHash(), user.roles(), new LinkedHashSet<>(user.desks()),
                attempts.isLocked(username));
    }
}
