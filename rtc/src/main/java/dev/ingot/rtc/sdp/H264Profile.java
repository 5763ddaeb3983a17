package dev.ingot.rtc.sdp;

import java.util.Locale;

/**
 * The H.264 profiles Ingot accepts, classified from the first two bytes of {@code profile-level-id}
 * (RFC 6184 §8.1: profile_idc, profile-iop). Declared from most to least widely decodable, which is
 * the order the answerer prefers them in.
 */
public enum H264Profile {
    /** 42 with constraint_set1 (42e0xx, 4240xx). */
    CONSTRAINED_BASELINE,
    /** 42 without constraint_set1 (42001f); also what an absent profile-level-id means (42000a). */
    BASELINE,
    /** 4dxxxx. */
    MAIN,
    /** 64xxxx, constrained high (640c) included. */
    HIGH;

    /** Display name for messages, e.g. "constrained-baseline". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
