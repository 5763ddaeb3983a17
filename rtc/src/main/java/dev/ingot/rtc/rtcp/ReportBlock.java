package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

/**
 * One reception report block of an SR or RR (RFC 3550 §6.4.1).
 *
 * @param ssrc source this block reports on
 * @param fractionLost fraction lost since the previous report, in 1/256 units (0..255)
 * @param cumulativeLost cumulative packets lost, signed 24-bit (duplicates can make it negative)
 * @param extendedHighestSeq extended highest sequence number received (cycles in the high 16 bits)
 * @param jitter interarrival jitter in timestamp units
 * @param lastSr middle 32 bits of the last SR's NTP timestamp ({@link NtpTime#middle32()}), 0 if none
 * @param delaySinceLastSr delay since that SR in 1/65536 seconds, 0 if none
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq, long jitter,
        long lastSr, long delaySinceLastSr) {

    /** Smallest value the signed 24-bit cumulative-lost field holds. */
    public static final int MIN_CUMULATIVE_LOST = -(1 << 23);
    /** Largest value the signed 24-bit cumulative-lost field holds. */
    public static final int MAX_CUMULATIVE_LOST = (1 << 23) - 1;

    public ReportBlock {
        requireU32("ssrc", ssrc);
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fractionLost out of range: " + fractionLost);
        }
        if (cumulativeLost < MIN_CUMULATIVE_LOST || cumulativeLost > MAX_CUMULATIVE_LOST) {
            throw new IllegalArgumentException("cumulativeLost out of signed 24-bit range: " + cumulativeLost);
        }
        requireU32("extendedHighestSeq", extendedHighestSeq);
        requireU32("jitter", jitter);
        requireU32("lastSr", lastSr);
        requireU32("delaySinceLastSr", delaySinceLastSr);
    }

    /** Clamps a cumulative loss count to the signed 24-bit field, as RFC 3550 §A.3 asks. */
    public static int clampCumulativeLost(long lost) {
        return (int) Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, lost));
    }
}
