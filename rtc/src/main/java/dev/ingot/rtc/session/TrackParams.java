package dev.ingot.rtc.session;

/**
 * What was negotiated for one received track.
 *
 * @param payloadType    the one payload type accepted for this track
 * @param rtxPayloadType its RTX payload type (RFC 4588), or -1
 * @param clockRate      RTP clock rate (90000 for video, 48000 for Opus)
 * @param nack           generic NACK negotiated (rtcp-fb nack)
 * @param pli            PLI negotiated (rtcp-fb nack pli)
 * @param fir            FIR negotiated (rtcp-fb ccm fir)
 * @param remb           goog-remb negotiated
 * @param transportCc    transport-cc negotiated (and its header extension id is in {@link SessionParams})
 */
public record TrackParams(int payloadType, int rtxPayloadType, int clockRate, boolean nack, boolean pli, boolean fir,
        boolean remb, boolean transportCc) {
}
