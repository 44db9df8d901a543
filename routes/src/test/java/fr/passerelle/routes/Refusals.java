package fr.passerelle.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The one way tests check a refusal: a {@link GatewayException} carrying the expected reason code. */
public final class Refusals {

    private Refusals() {
    }

    /**
     * Asserts that {@code action} throws a {@link GatewayException} with {@code reason}. Returns the assertion on
     * the exception, for a test that also checks what the refusal says (e.g. {@code .hasMessage(...)}).
     */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ThrowingCallable action,
            ReasonCode reason) {
        return assertThatThrownBy(action).isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).reason()).isEqualTo(reason));
    }
}
