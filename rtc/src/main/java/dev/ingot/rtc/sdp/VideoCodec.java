package dev.ingot.rtc.sdp;

/**
 * Video codecs Ingot decodes, with their RTP encoding names (RFC 6184, RFC 7741, RFC 9628, RFC 7798 and the
 * AOM "RTP Payload Format for AV1").
 */
public enum VideoCodec {
    H264("H264"), VP8("VP8"), VP9("VP9"), H265("H265"), AV1("AV1");

    private final String encodingName;

    VideoCodec(String encodingName) {
        this.encodingName = encodingName;
    }

    /** The rtpmap encoding name, compared case-insensitively with offers. */
    public String encodingName() {
        return encodingName;
    }
}
