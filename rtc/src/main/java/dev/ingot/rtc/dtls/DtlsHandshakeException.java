package dev.ingot.rtc.dtls;

/**
 * A DTLS-SRTP handshake (RFC 5764, RFC 8842) did not complete; {@link #reason()} says why in a form fit for
 * metrics, the message says it for people.
 */
public final class DtlsHandshakeException extends Exception {

    /** Why the handshake failed. */
    public enum Reason {
        /** The peer's certificate matched none of the fingerprints from its SDP (RFC 8842 §5). */
        FINGERPRINT_MISMATCH,
        /** The peer sent no certificate, so there was nothing to check against the fingerprints. */
        NO_PEER_CERTIFICATE,
        /** The peer did not offer or select a {@code use_srtp} profile we support (RFC 5764 §4.1.1). */
        NO_COMMON_SRTP_PROFILE,
        /** The peer aborted the handshake with a fatal alert. */
        ALERT_RECEIVED,
        /** The handshake did not finish within the configured handshake timeout. */
        TIMEOUT,
        /** Anything else: a protocol error, a transport failure, an interrupt. */
        FAILED
    }

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public DtlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
