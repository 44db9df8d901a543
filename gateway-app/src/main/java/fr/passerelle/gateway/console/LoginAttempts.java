package fr.passerelle.gateway.console;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * Locks a console account after {@code max-failed-logins} wrong passwords in a row, for {@code lockout}; a
 * successful login starts the count again. Failed logins and locks are in the audit trail.
 */
@Component
public class LoginAttempts {

    private record Failures(int count, Instant lockedUntil) {
    }

    private final int maxFailures;
    private final java.time.Duration lockout;
    private final Clock clock;
    private final AuditTrail audit;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    LoginAttempts(PasserelleProperties properties, Clock clock, AuditTrail audit) {
        this.maxFailures = properties.console().maxFailedLogins();
        this.lockout = properties.console().lockout();
        this.clock = clock;
        this.audit = audit;
    }

    /** Whether the account is locked now. */
    public boolean isLocked(String username) {
        Failures current = failures.get(username);
        return current != null && current.lockedUntil() != null && clock.instant().isBefore(current.lockedUntil());
    }

    @EventListener
    void failed(AuthenticationFailureBadCredentialsEvent event) {
        String username = String.valueOf(event.getAuthentication().getPrincipal());
        Failures after = failures.compute(username, (name, current) -> {
            int count = (current == null || current.lockedUntil() != null && !clock.instant()
                    .isBefore(current.lockedUntil()) ? 0 : current.count()) + 1;
            return new Failures(count, count >= maxFailures ? clock.instant().plus(lockout) : null);
        });
        audit.record(null, AuditEvent.CONSOLE_LOGIN_FAILED, username, null, "failed login " + after.count()
                + (after.lockedUntil() == null ? "" : "; account locked until " + after.lockedUntil()));
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        failures.remove(event.getAuthentication().getName());
    }
}
