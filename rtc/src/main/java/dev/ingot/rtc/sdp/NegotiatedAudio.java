package dev.ingot.rtc.sdp;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The accepted audio section: Opus 48000/2 (RFC 7587) with its payload type and offered fmtp
 * (minptime, useinbandfec, stereo, ...), accepted rtcp-fb values (only {@code "transport-cc"}), header
 * extension ids and declared SSRCs.
 */
public record NegotiatedAudio(
        Optional<String> mid,
        int sectionIndex,
        String proto,
        int payloadType,
        Fmtp fmtp,
        Set<String> rtcpFeedback,
        HeaderExtensions headerExtensions,
        List<RemoteStream> remoteStreams) {

    public static final int CLOCK_RATE = 48_000;
    public static final int CHANNELS = 2;

    public NegotiatedAudio {
        rtcpFeedback = Collections.unmodifiableSet(new LinkedHashSet<>(rtcpFeedback));
        remoteStreams = List.copyOf(remoteStreams);
    }

    public boolean transportCc() {
        return rtcpFeedback.contains("transport-cc");
    }
}
