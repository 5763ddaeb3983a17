package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;

/**
 * Full intra request, RFC 5104 §4.3.1. The header's media source SSRC is written as 0 and ignored
 * when parsing, as §4.3.1.2 says; the targets are in the entries.
 */
public record FullIntraRequest(long senderSsrc, List<FirEntry> entries) implements RtcpPacket {

    public FullIntraRequest {
        requireU32("senderSsrc", senderSsrc);
        entries = List.copyOf(entries);
    }

    /**
     * One FCI entry: the media sender asked for a decoder refresh, and the command sequence number
     * (0..255; the requester increments it for each new request, RFC 5104 §4.3.1.2).
     */
    public record FirEntry(long ssrc, int sequenceNumber) {
        public FirEntry {
            requireU32("ssrc", ssrc);
            if (sequenceNumber < 0 || sequenceNumber > 255) {
                throw new IllegalArgumentException("FIR sequence number out of range: " + sequenceNumber);
            }
        }
    }
}
