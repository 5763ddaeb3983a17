package dev.ingot.rtc.rtcp;

/**
 * Thrown by {@link RtcpParser} when bytes are not a well-formed (compound) RTCP packet. It carries
 * no stack trace: damaged input is an expected event, and the message says what was wrong.
 */
public final class RtcpParseException extends Exception {

    private static final long serialVersionUID = 1L;

    public RtcpParseException(String message) {
        super(message, null, false, false);
    }
}
