package fr.passerelle.gateway.console.dashboard;

import java.util.stream.Collectors;

import org.springframework.jms.JmsException;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.routes.Headers;
import jakarta.jms.ConnectionFactory;

/**
 * How many messages wait in quarantine, as far as a console user may know: all of them for those who see every
 * desk; for an officer, those whose partner ({@code PasserellePartner}) is one of their desks. A message refused
 * before any partner was known (a national service's bad envelope) concerns no desk and counts for nobody's.
 */
@Component
class QuarantineCount {

    private final QueueDepths broker;
    private final JmsTemplate jms;

    QuarantineCount(QueueDepths broker, ConnectionFactory connectionFactory) {
        this.broker = broker;
        this.jms = new JmsTemplate(connectionFactory);
    }

    /** How many; null while the broker cannot be asked (an external broker failing over). */
    Long count(DeskScope scope) {
        if (scope.all()) {
            return QueueDepths.ifKnown(broker, EmbeddedBroker.QUARANTINE);
        }
        if (scope.partners().isEmpty()) {
            return 0L;
        }
        // The broker applies the selector: only the desk's messages come back to be counted.
        String selector = Headers.PARTNER + " in (" + scope.partners().stream()
                .map(partner -> "'" + partner.replace("'", "''") + "'").sorted().collect(Collectors.joining(", "))
                + ")";
        Long count;
        try {
            count = jms.browseSelected(EmbeddedBroker.QUARANTINE, selector, (session, browser) -> {
                long seen = 0;
                for (var messages = browser.getEnumeration(); messages.hasMoreElements(); messages.nextElement()) {
                    seen++;
                }
                return seen;
            });
        } catch (JmsException e) {
            return null;
        }
        return count == null ? 0L : count;
    }
}
