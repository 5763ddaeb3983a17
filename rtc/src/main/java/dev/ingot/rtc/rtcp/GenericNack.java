package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;

/**
 * Generic NACK, RFC 4585 §6.2.1: the RTP sequence numbers of {@code mediaSsrc} that the sender of
 * this message is missing.
 *
 * <p>Parsing expands each FCI entry (PID plus the 16-bit BLP bitmask) into its numbers, in wire
 * order. Writing packs the list back: a number joins the current entry when it lies 1..16 after that
 * entry's PID (modulo 2^16, so a run across 65535→0 stays in one entry), otherwise it starts a new
 * entry. So give the numbers in ascending (wrap-aware) order for the most compact result.
 *
 * @param lostSequenceNumbers sequence numbers, each 0..65535
 */
public record GenericNack(long senderSsrc, long mediaSsrc, List<Integer> lostSequenceNumbers)
        implements RtcpPacket {

    public GenericNack {
        requireU32("senderSsrc", senderSsrc);
        requireU32("mediaSsrc", mediaSsrc);
        lostSequenceNumbers = List.copyOf(lostSequenceNumbers);
        for (int s : lostSequenceNumbers) {
            if (s < 0 || s > 0xFFFF) {
                throw new IllegalArgumentException("sequence number out of range: " + s);
            }
        }
    }
}
