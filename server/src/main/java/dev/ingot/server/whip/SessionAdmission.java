package dev.ingot.server.whip;

import dev.ingot.server.input.RegisteredInput;

/**
 * Whether the WHIP endpoint may open one more session now. A refusal is answered 503 with {@code Retry-After}
 * (RFC 9725 §4.5): the server is full or draining, and the publisher (or whoever placed its input) should try
 * later or elsewhere. Asked before the offer goes to the transport; live sessions are never touched.
 */
@FunctionalInterface
public interface SessionAdmission {
    /** Admits everything (tests of the endpoint alone). */
    SessionAdmission ANY = (input, offer) -> new Verdict.Admitted(() -> {
    });

    /** Holds the admitted session's share until the transport has answered (it then counts as live). */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    sealed interface Verdict {
        record Admitted(Hold hold) implements Verdict {
        }

        /** {@code errorCode} and {@code message} go into the 503 body. */
        record Refused(String errorCode, String message, long retryAfterSeconds) implements Verdict {
        }
    }

    Verdict admit(RegisteredInput input, String offerSdp);
}
