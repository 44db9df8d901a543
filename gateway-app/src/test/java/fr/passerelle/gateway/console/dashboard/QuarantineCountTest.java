package fr.passerelle.gateway.console.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Set;

import org.junit.jupiter.api.Test;

import fr.passerelle.gateway.broker.QueueDepths;
import fr.passerelle.gateway.console.DeskScope;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

/** The quarantine count while the broker cannot be asked (an external broker failing over): unknown, not an error. */
class QuarantineCountTest {

    private final QueueDepths failingOver = queue -> {
        throw new IllegalStateException("the broker did not tell the depth of " + queue);
    };

    /** Counts every message for those who see every desk, from the broker's figure. */
    @Test
    void everyDeskGetsTheBrokersFigure() {
        QuarantineCount count = new QuarantineCount(queue -> 7, mock(ConnectionFactory.class));

        assertThat(count.count(new DeskScope(true, Set.of()))).isEqualTo(7L);
        assertThat(count.count(new DeskScope(false, Set.of()))).isZero();
    }

    /** Gives no figure, rather than failing the dashboard, when the broker cannot say. */
    @Test
    void unknownWhileTheBrokerCannotBeAsked() throws Exception {
        ConnectionFactory unreachable = mock(ConnectionFactory.class);
        when(unreachable.createConnection()).thenThrow(new JMSException("failing over"));
        QuarantineCount count = new QuarantineCount(failingOver, unreachable);

        assertThat(count.count(new DeskScope(true, Set.of()))).isNull();
        assertThat(count.count(new DeskScope(false, Set.of("spain")))).isNull();
    }
}
