package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;

/**
 * Sender report, RFC 3550 §6.4.1. Profile-specific extensions after the report blocks are skipped
 * when parsing and never written.
 *
 * @param ntpTimestamp the raw 64-bit NTP timestamp (see {@link NtpTime}); may be negative as a Java long
 * @param reports at most 31 report blocks
 */
public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
        List<ReportBlock> reports) implements RtcpPacket {

    public SenderReport {
        requireU32("ssrc", ssrc);
        requireU32("rtpTimestamp", rtpTimestamp);
        requireU32("packetCount", packetCount);
        requireU32("octetCount", octetCount);
        reports = List.copyOf(reports);
        if (reports.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks, got " + reports.size());
        }
    }
}
