package dev.ingot.rtc.stun;

/** The class of a STUN message: the C1/C0 bits of the message type (RFC 8489 §5). */
public enum StunClass {
    REQUEST,
    INDICATION,
    SUCCESS_RESPONSE,
    ERROR_RESPONSE;

    private static final StunClass[] BY_BITS = values();

    /** The class with the given two bits (C1 C0), 0..3. */
    static StunClass ofBits(int bits) {
        return BY_BITS[bits & 3];
    }

    /** The two class bits (C1 C0) of this class. */
    int bits() {
        return ordinal();
    }

    /** Encodes a method (12 bits) and this class into a 14-bit STUN message type (RFC 8489 §5, figure 3). */
    int messageType(int method) {
        int c = bits();
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((c & 1) << 4) | ((c & 2) << 7);
    }
}
