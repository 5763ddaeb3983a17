package dev.ingot.rtc.srtp;

/**
 * Why an {@link SrtpContext} refused a packet. The protect and unprotect methods return {@link #code()} (always
 * negative) instead of a length; {@link #fromCode(int)} maps it back.
 */
public enum SrtpError {
    /** The packet is shorter than its header, trailer and tag require. */
    TOO_SHORT(-1),
    /** The header is not RTP/RTCP version 2. */
    MALFORMED(-2),
    /** The authentication tag did not verify; the packet was forged or damaged. */
    AUTH_FAILED(-3),
    /**
     * The packet index was already seen or is older than the replay window (RFC 3711 §3.3.2); on the outbound side,
     * the index was already used for protection.
     */
    REPLAYED(-4),
    /** The packet's SSRC is new and the context already tracks {@link SrtpContext#MAX_STREAMS} SSRCs. */
    UNKNOWN_SSRC_LIMIT(-5),
    /** Protection needs room after the packet in the buffer for the trailer and tag. */
    BUFFER_TOO_SMALL(-6),
    /** The packet index space of the master key is used up (RFC 3711 §9.2); a new key is needed. */
    KEY_EXHAUSTED(-7);

    private static final SrtpError[] BY_CODE = new SrtpError[values().length + 1];

    static {
        for (SrtpError e : values()) {
            BY_CODE[-e.code] = e;
        }
    }

    private final int code;

    SrtpError(int code) {
        this.code = code;
    }

    /** The negative value the protect/unprotect methods return for this error. */
    public int code() {
        return code;
    }

    /**
     * The error for a negative result of a protect/unprotect method.
     *
     * @throws IllegalArgumentException if the code is not an error code
     */
    public static SrtpError fromCode(int code) {
        if (code >= 0 || -code >= BY_CODE.length) {
            throw new IllegalArgumentException("not an SRTP error code: " + code);
        }
        return BY_CODE[-code];
    }
}
