package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;

/**
 * Receiver report, RFC 3550 §6.4.2. Profile-specific extensions after the report blocks are skipped
 * when parsing and never written.
 *
 * @param ssrc SSRC of the packet sender
 * @param reports at most 31 report blocks
 */
public record ReceiverReport(long ssrc, List<ReportBlock> reports) implements RtcpPacket {

    public ReceiverReport {
        requireU32("ssrc", ssrc);
        reports = List.copyOf(reports);
        if (reports.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + reports.size());
        }
    }
}
