package dev.ingot.rtc.sdp;

import java.util.Locale;
import java.util.Optional;

/** Media direction attributes of RFC 8866 §6.7 (sendrecv is the default). */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    static Optional<Direction> ofAttribute(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sendrecv" -> Optional.of(SENDRECV);
            case "sendonly" -> Optional.of(SENDONLY);
            case "recvonly" -> Optional.of(RECVONLY);
            case "inactive" -> Optional.of(INACTIVE);
            default -> Optional.empty();
        };
    }

    /** True when the side that wrote this direction sends media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public String sdpName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
