package dev.ingot.rtc.sdp;

/**
 * A well-formed offer this server cannot accept; a WHIP endpoint answers it with 422 and the message
 * (RFC 9725 §4.2). The reason says which rule failed.
 */
public final class OfferRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an offer was rejected. */
    public enum Reason {
        /** The offer sends video, but in no codec/profile the resolved decoder preferences accept. */
        NO_COMMON_VIDEO_CODEC,
        /** Neither an acceptable video nor an Opus audio section is sent to us. */
        NO_MEDIA,
        /** Media sections use a profile other than (UDP/TLS|TCP/DTLS)/RTP/SAVPF. */
        NOT_RTP_SAVPF,
        /** No {@code a=fingerprint} for the accepted media (RFC 8842). */
        NO_DTLS_FINGERPRINT,
        /** No {@code a=ice-ufrag}/{@code a=ice-pwd} for the accepted media (RFC 8839). */
        NO_ICE_CREDENTIALS,
        /** {@code a=setup:holdconn}: the offerer refuses any DTLS connection. */
        UNSUPPORTED_DTLS_SETUP,
        /** Audio and video are both acceptable but not in one BUNDLE group; Ingot uses one transport. */
        NOT_BUNDLED
    }

    private final Reason reason;

    public OfferRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
