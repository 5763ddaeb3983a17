package dev.ingot.rtc.stun;

/**
 * Thrown when bytes are not a well-formed STUN message (RFC 8489 §5, §14). It is the only exception
 * {@link StunMessage#parse} lets escape on arbitrary input; it carries no stack trace, so rejecting
 * junk from the network stays cheap.
 */
public final class StunParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunParseException(String message) {
        super(message, null, false, false);
    }
}
