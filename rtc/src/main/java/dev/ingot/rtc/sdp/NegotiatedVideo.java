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
