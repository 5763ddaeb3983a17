package dev.ingot.rtc.rtcp;

/** Thrown by {@link RtcpParser} when bytes are not a well-formed (compound) RTCP packet. */
public final class RtcpParseException extends Exception {

    private static final long serialVersionUID = 1L;

    public RtcpParseException(String message) {
        super(message);
    }
}
