package fr.passerelle.gateway.sla;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jms.core.JmsTemplate;

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.routes.Headers;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;

/**
 * Looks for messages in a partner's queue and in quarantine by browsing them (nothing is consumed), with a
 * selector on the {@code PasserelleMessageId} property the gateway sets on every sealed message. Browsing works the
 * same on the embedded broker and on an external one.
 */
public class JmsPartnerQueues implements PartnerQueues {

    /** MessageIds per selector: a selector stays short however many copies wait. */
    private static final int PER_SELECTOR = 50;

    private final JmsTemplate jms;

    public JmsPartnerQueues(ConnectionFactory connectionFactory) {
        this.jms = new JmsTemplate(connectionFactory);
    }

    @Override
    public Set<String> stillWaiting(String partner, Collection<String> messageIds) {
        Set<String> found = new HashSet<>();
        List<String> ids = new ArrayList<>(messageIds);
        for (int from = 0; from < ids.size(); from += PER_SELECTOR) {
            String selector = Headers.MESSAGE_ID + " IN ("
                    + ids.subList(from, Math.min(ids.size(), from + PER_SELECTOR)).stream()
                            .map(JmsPartnerQueues::literal).collect(Collectors.joining(", ")) + ")";
            found.addAll(browse("partner." + partner + ".out", selector));
            found.addAll(browse(EmbeddedBroker.QUARANTINE, selector + " AND " + Headers.PARTNER + " = "
                    + literal(partner)));
        }
        return found;
    }

    private Set<String> browse(String queue, String selector) {
        return jms.browseSelected(queue, selector, (session, browser) -> {
            Set<String> ids = new HashSet<>();
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                ids.add(((Message) messages.nextElement()).getStringProperty(Headers.MESSAGE_ID));
            }
            return ids;
        });
    }

    /** A selector string literal: quotes doubled, as JMS selectors escape them. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
