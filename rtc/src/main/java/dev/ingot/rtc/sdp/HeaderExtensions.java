package dev.ingot.rtc.sdp;

/**
 * The RTP header extension ids (RFC 8285) agreed for one media section; -1 where not negotiated.
 * Only the three extensions Ingot reads are ever accepted.
 */
public record HeaderExtensions(int sdesMid, int absSendTime, int transportWideCc) {
    /** RFC 9143 §15.2: the MID carried in RTP. */
    public static final String SDES_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_WIDE_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    public static final HeaderExtensions NONE = new HeaderExtensions(-1, -1, -1);

    /** The id for a URI, or -1. */
    public int idOf(String uri) {
        return switch (uri) {
            case SDES_MID -> sdesMid;
            case ABS_SEND_TIME -> absSendTime;
            case TRANSPORT_WIDE_CC -> transportWideCc;
            default -> -1;
        };
    }

    static boolean isSupported(String uri) {
        return uri.equals(SDES_MID) || uri.equals(ABS_SEND_TIME) || uri.equals(TRANSPORT_WIDE_CC);
    }
}
