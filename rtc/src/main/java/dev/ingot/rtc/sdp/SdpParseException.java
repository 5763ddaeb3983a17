package dev.ingot.rtc.sdp;

/**
 * Thrown when text is not a usable SDP session description (RFC 8866) or trickle-ICE SDP fragment
 * (RFC 8840). A WHIP endpoint answers it with 400 Bad Request.
 */
public final class SdpParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public SdpParseException(String message) {
        super(message);
    }
}
