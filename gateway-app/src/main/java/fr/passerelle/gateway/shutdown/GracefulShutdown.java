package fr.passerelle.gateway.shutdown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ShutdownStrategy;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

import fr.passerelle.gateway.config.PasserelleProperties;

/**
 * Shutdown that cuts no exchange. On SIGTERM, Ctrl-C or the context closing, Spring first lets the web server
 * answer the requests it holds (partner posts included) and stops taking new ones ({@code server.shutdown:
 * graceful}); then Camel stops its consumers, so that no new message is taken from a queue, and waits for the
 * exchanges in flight to finish (sealed, stored, queued, dispatched, their consumption committed); then the
 * gateway's broker connections close and the embedded broker stops, last: those are beans, destroyed after every
 * lifecycle (the web servers, Camel) has stopped. Each of the two waits lasts at most
 * {@code passerelle.shutdown-timeout}; an exchange still running after that is cut, and its message, never
 * acknowledged, is delivered again at the next start.
 *
 * <p>This bean gives Camel its wait and says when draining starts and when it is over. It hears of Camel's stop
 * as a Camel event and looks the Camel context up only when closing, instead of depending on it: Spring stops
 * the beans that depend on a lifecycle bean before it, which would have reported the drain over before it began.
 */
@Component
class GracefulShutdown extends EventNotifierSupport implements ApplicationListener<ContextClosedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final ApplicationContext application;
    private final Duration timeout;
    private volatile int inFlightAtStart;

    GracefulShutdown(ApplicationContext application, PasserelleProperties properties) {
        this.application = application;
        this.timeout = properties.shutdownTimeout();
    }

    /** The context starts closing: nothing has stopped yet. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() != application) {
            // The management server's own context closes too, as part of this one.
            return;
        }
        CamelContext camel = application.getBeanProvider(CamelContext.class).getIfAvailable();
        if (camel == null) {
            return;
        }
        ShutdownStrategy strategy = camel.getShutdownStrategy();
        strategy.setTimeUnit(TimeUnit.MILLISECONDS);
        strategy.setTimeout(Math.max(1, timeout.toMillis()));
        strategy.setLogInflightExchangesOnTimeout(true);
        inFlightAtStart = camel.getInflightRepository().size();
        LOG.info("Draining: taking no new message or request; {} exchanges in flight are given up to {} to finish",
                inFlightAtStart, timeout);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppedEvent;
    }

    /** Camel has stopped: every exchange has ended, or the timeout came first. */
    @Override
    public void notify(CamelEvent event) {
        CamelContext camel = ((CamelEvent.CamelContextStoppedEvent) event).getContext();
        if (camel.getShutdownStrategy().hasTimeoutOccurred()) {
            LOG.warn("Drained after the timeout of {}: the exchanges still in flight were cut; their messages were "
                    + "not acknowledged and are delivered again at the next start", timeout);
        } else {
            LOG.info("Drained: the {} exchanges in flight when draining began have finished, none is left; "
                    + "closing the broker connections, then the embedded broker if any", inFlightAtStart);
        }
    }
}
