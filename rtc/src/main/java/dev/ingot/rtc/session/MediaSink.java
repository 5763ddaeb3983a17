package dev.ingot.rtc.session;

import dev.ingot.rtc.rtp.RtpPacket;

/**
 * Receives authenticated, decrypted RTP packets of the accepted tracks, synchronously, during
 * {@link PublisherSession#handleDatagram}. RTX packets arrive already unwrapped (original sequence number,
 * payload type and SSRC restored), with {@code retransmitted} set. The packet view is only valid during the
 * call: copy what must be kept.
 */
@FunctionalInterface
public interface MediaSink {
    void onRtp(MediaKind kind, RtpPacket packet, boolean retransmitted, long nowNanos);

    /**
     * An RTCP sender report for a track: the sender's wall clock (64-bit NTP) at RTP time {@code rtpTimestamp}
     * (RFC 3550 §6.4.1). The media layer lines audio and video up with it.
     */
    default void onSenderReport(MediaKind kind, long ntpTimestamp, long rtpTimestamp, long nowNanos) {
    }
}
