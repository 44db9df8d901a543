package fr.passerelle.gateway.console.partners;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.routes.channel.ChannelHealth;

/**
 * The partners as the console shows them to everyone (an officer: their desks only): how each is reached and
 * whether that works, what waits on its queue, its last exchanges both ways, and its certificates' expiry.
 */
@Controller
class PartnersController {

    /**
     * One partner.
     *
     * @param channelType {@code pull-queue}, {@code https-push}, {@code amqp} or {@code sftp}
     * @param channel how it is reached, in words
     * @param health its channel's state; null for a pull-queue partner, whose deliveries the gateway does not make
     * @param waiting messages on its queue {@code partner.<p>.out}, not yet taken or delivered
     * @param lastTaken a pull-queue partner: when it last took a message from its queue, if known
     */
    record Partner(String id, String channelType, String channel, String profile, String format,
            ChannelHealth.State health, String queue, Long waiting, Instant lastDelivery, Instant lastReceived,
            Instant lastTaken, List<CertificateExpiries.Expiry> certificates) {

        public boolean pullQueue() {
            return PasserelleProperties.Channel.PULL_QUEUE.equals(channelType);
        }
    }

    private final PasserelleProperties properties;
    private final ChannelHealth health;
    private final QueueDepths broker;
    private final PartnerActivity activity;
    private final CertificateExpiries certificates;

    PartnersController(PasserelleProperties properties, ChannelHealth health, QueueDepths broker,
            PartnerActivity activity, CertificateExpiries certificates) {
        this.properties = properties;
        this.health = health;
        this.broker = broker;
        this.activity = activity;
        this.certificates = certificates;
    }

    @GetMapping("/partners")
    String partners(Authentication authentication, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        List<String> ids = properties.partners().keySet().stream().filter(scope::sees).sorted().toList();
        List<String> pullQueue = ids.stream().filter(properties.pullQueuePartners()::contains).toList();
        Map<String, PartnerActivity.Activity> last = activity.of(ids, pullQueue);
        Map<String, ChannelHealth.State> states = health.states();
        List<CertificateExpiries.Expiry> watched = certificates.all();
        model.addAttribute("partners", ids.stream().map(id -> {
            PasserelleProperties.Partner configured = properties.partners().get(id);
            String type = configured.channel().type();
            ChannelHealth.State state = configured.channel().pullQueue() ? null : states.get(id);
            String queue = "partner." + id + ".out";
            PartnerActivity.Activity exchanges = last.getOrDefault(id, PartnerActivity.Activity.NONE);
            return new Partner(id, type, describe(type, state, queue), configured.profile(), configured.format(),
                    state, queue, QueueDepths.ifKnown(broker, queue), exchanges.lastDelivery(), exchanges.lastReceived(),
                    exchanges.lastTaken(),
                    watched.stream().filter(expiry -> expiry.party().equals(id)).toList());
        }).toList());
        model.addAttribute("warnDays", certificates.warnDays());
        return "partners/list";
    }

    /** How the partner is reached: its channel's own description (never a secret) when the gateway pushes. */
    private static String describe(String type, ChannelHealth.State state, String queue) {
        if (PasserelleProperties.Channel.PULL_QUEUE.equals(type)) {
            return "takes its messages from " + queue + " on our broker";
        }
        return state == null ? type : state.channel();
    }
}
