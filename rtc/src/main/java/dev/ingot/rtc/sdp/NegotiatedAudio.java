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

    /**
     * The fmtp the answer carries: the offered parameters with {@code useinbandfec=1} (RFC 7587 §6.1: the
     * receiver, Ingot, can use in-band FEC; a sender such as Chromium turns its FEC on when the answer says so).
     */
    public Fmtp answerFmtp() {
        if (fmtp.parameter("useinbandfec").map(String::strip).filter("1"::equals).isPresent()) {
            return fmtp;
        }
        java.util.StringJoiner kept = new java.util.StringJoiner(";");
        for (String part : fmtp.parameters().split(";")) {
            String p = part.strip();
            if (!p.isEmpty() && !p.toLowerCase(java.util.Locale.ROOT).startsWith("useinbandfec")) {
                kept.add(p);
            }
        }
        kept.add("useinbandfec=1");
        return Fmtp.of(payloadType, kept.toString());
    }

    public boolean transportCc() {
        return rtcpFeedback.contains("transport-cc");
    }
}
