package dev.ingot.rtc.sdp;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The accepted video section: its mid and position, the one payload type the answer accepts with its
 * codec, clock rate and offered fmtp, the RTX payload type paired to it by {@code apt} (RFC 4588 §8.6;
 * -1 if none), the accepted rtcp-fb values ({@code "nack"}, {@code "nack pli"}, {@code "ccm fir"},
 * {@code "goog-remb"}, {@code "transport-cc"}), header extension ids and SSRCs the offer declared.
 */
public record NegotiatedVideo(
        Optional<String> mid,
        int sectionIndex,
        String proto,
        VideoCodec codec,
        int payloadType,
        int clockRate,
        Fmtp fmtp,
        int rtxPayloadType,
        Set<String> rtcpFeedback,
        HeaderExtensions headerExtensions,
        List<RemoteStream> remoteStreams) {

    public NegotiatedVideo {
        rtcpFeedback = Collections.unmodifiableSet(new LinkedHashSet<>(rtcpFeedback));
        remoteStreams = List.copyOf(remoteStreams);
    }

    /** H.264 profile and packetization mode, for H.264 only. */
    public Optional<H264Format> h264Format() {
        return codec == VideoCodec.H264 ? Optional.of(H264Format.of(fmtp)) : Optional.empty();
    }

    /** H.265 profile, tier, level and DONL signalling, for H.265 only. */
    public Optional<H265Format> h265Format() {
        return codec == VideoCodec.H265 ? Optional.of(H265Format.of(fmtp)) : Optional.empty();
    }

    /** AV1 profile, level and tier, for AV1 only. */
    public Optional<Av1Format> av1Format() {
        return codec == VideoCodec.AV1 ? Optional.of(Av1Format.of(fmtp)) : Optional.empty();
    }

    /**
     * The fmtp the answer carries for the payload type: the offered one, except that H.265's {@code sprop-*}
     * parameter sets, which describe the publisher's stream, are left out.
     */
    public Fmtp answerFmtp() {
        return codec == VideoCodec.H265 ? H265Format.answerFmtp(fmtp) : fmtp;
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }

    public boolean nack() {
        return rtcpFeedback.contains("nack");
    }

    public boolean pli() {
        return rtcpFeedback.contains("nack pli");
    }

    public boolean fir() {
        return rtcpFeedback.contains("ccm fir");
    }

    public boolean remb() {
        return rtcpFeedback.contains("goog-remb");
    }

    public boolean transportCc() {
        return rtcpFeedback.contains("transport-cc");
    }
}
