package dev.ingot.rtc.ice;

import java.net.InetSocketAddress;
import java.util.Objects;

/** What {@link IceLiteAgent#handleStun} decided about one STUN message: send a reply, or drop it. */
public sealed interface BindingResult permits BindingResult.Reply, BindingResult.Drop {

    /** Send {@code datagram} (a Binding success or error response) to {@code to}. */
    record Reply(byte[] datagram, InetSocketAddress to) implements BindingResult {
        public Reply {
            Objects.requireNonNull(datagram, "datagram");
            Objects.requireNonNull(to, "to");
        }
    }

    /** Send nothing; {@code reason} says why (for logs and counters). */
    record Drop(String reason) implements BindingResult {
        static final Drop MALFORMED = new Drop("not a well-formed STUN message");
        static final Drop CONSENT_EXPIRED = new Drop("consent expired");
        static final Drop NOT_A_REQUEST = new Drop("not a request (response or indication)");
        static final Drop NOT_BINDING = new Drop("not a Binding request");
        static final Drop BAD_FINGERPRINT = new Drop("wrong FINGERPRINT");
        static final Drop UNKNOWN_USERNAME = new Drop("USERNAME does not match local:remote ufrag");
        static final Drop UNRESOLVED_SENDER = new Drop("sender address not resolved");

        public Drop {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
