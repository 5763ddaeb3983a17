package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;
import java.util.Objects;

/**
 * Goodbye, RFC 3550 §6.6: the sources leaving, and an optional reason.
 *
 * @param ssrcs at most 31 SSRCs
 * @param reason the reason for leaving, empty when there is none ({@link RtcpWriter} refuses more
 *     than 255 bytes of UTF-8)
 */
public record Bye(List<Long> ssrcs, String reason) implements RtcpPacket {

    public Bye {
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 31) {
            throw new IllegalArgumentException("at most 31 SSRCs, got " + ssrcs.size());
        }
        for (long s : ssrcs) {
            requireU32("ssrc", s);
        }
        Objects.requireNonNull(reason, "reason");
    }

    public Bye(long ssrc) {
        this(List.of(ssrc), "");
    }
}
