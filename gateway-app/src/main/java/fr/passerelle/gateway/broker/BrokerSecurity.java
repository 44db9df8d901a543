package fr.passerelle.gateway.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

/**
 * The broker's accounts. Each service and partner account holds the one role named like it, {@code admin} holds
 * {@code admin} and the gateway account holds {@code gateway}; what a role may do on which address is set in the
 * broker configuration ({@link EmbeddedBroker}). Connections without a known user and its password are refused.
 */
final class BrokerSecurity implements ActiveMQSecurityManager5 {

    private record Account(byte[] password, String role) {
    }

    private final Map<String, Account> accounts = new HashMap<>();
    // Compared against when the user is unknown, so that a refusal takes the same time either way.
    private final byte[] decoy;

    BrokerSecurity(BrokerSettings settings) {
        settings.passwords().forEach((user, password) -> accounts.put(user,
                new Account(utf8(password), user.equals(BrokerSettings.ADMIN) ? BrokerSettings.ADMIN : user)));
        accounts.put(settings.gatewayUser(),
                new Account(utf8(settings.gatewayPassword()), BrokerSettings.GATEWAY_ROLE));
        decoy = utf8(settings.gatewayPassword());
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (user == null || password == null) {
            return null;
        }
        Account account = accounts.get(user);
        boolean matches = MessageDigest.isEqual(account == null ? decoy : account.password(), utf8(password));
        if (account == null || !matches) {
            return null;
        }
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrincipals().add(new RolePrincipal(account.role()));
        subject.setReadOnly();
        return subject;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null || roles == null) {
            return false;
        }
        Set<RolePrincipal> held = subject.getPrincipals(RolePrincipal.class);
        for (Role role : roles) {
            if (checkType.hasRole(role) && held.contains(new RolePrincipal(role.getName()))) {
                return true;
            }
        }
        return false;
    }

    // The two methods below are the older contract; the broker calls the two above. Kept consistent anyway.

    @Override
    public boolean validateUser(String user, String password) {
        return authenticate(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return authorize(authenticate(user, password, null, null), roles, checkType, null);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
