package dev.ingot.rtc.feedback;

/**
 * The values of one reception report block of an RTCP RR or SR (RFC 3550 §6.4.1), already in wire units and
 * ranges. Unsigned 32-bit fields are held in a {@code long} (0 to 2^32-1).
 *
 * @param ssrc                          SSRC_n: the source this block reports on (unsigned 32 bits)
 * @param fractionLost                  fraction lost since the previous report, as a fixed-point number with the
 *                                      binary point at the left edge (0..255)
 * @param cumulativeLost                cumulative number of packets lost, 24-bit signed (-8388608..8388607)
 * @param extendedHighestSequenceNumber extended highest sequence number received: cycles in the high 16 bits,
 *                                      highest sequence number in the low 16 (unsigned 32 bits)
 * @param interarrivalJitter            interarrival jitter in RTP timestamp units (unsigned 32 bits)
 * @param lastSr                        LSR: the middle 32 bits of the last SR's NTP timestamp, 0 if none
 * @param delaySinceLastSr              DLSR: delay since that SR arrived, in units of 1/65536 s, 0 if none
 */
public record ReportBlockValues(
        long ssrc,
        int fractionLost,
        int cumulativeLost,
        long extendedHighestSequenceNumber,
        long interarrivalJitter,
        long lastSr,
        long delaySinceLastSr) {

    static final int CUMULATIVE_LOST_MIN = -(1 << 23);
    static final int CUMULATIVE_LOST_MAX = (1 << 23) - 1;
    static final long UINT32_MAX = 0xFFFF_FFFFL;

    public ReportBlockValues {
        checkUint32(ssrc, "ssrc");
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fraction lost must be 0..255");
        }
        if (cumulativeLost < CUMULATIVE_LOST_MIN || cumulativeLost > CUMULATIVE_LOST_MAX) {
            throw new IllegalArgumentException("cumulative lost must fit 24-bit signed");
        }
        checkUint32(extendedHighestSequenceNumber, "extended highest sequence number");
        checkUint32(interarrivalJitter, "interarrival jitter");
        checkUint32(lastSr, "LSR");
        checkUint32(delaySinceLastSr, "DLSR");
    }

    /** Clamps a cumulative loss count to the 24-bit signed field (RFC 3550 §6.4.1 lets it go negative). */
    public static int clampCumulativeLost(long cumulativeLost) {
        return (int) Math.clamp(cumulativeLost, CUMULATIVE_LOST_MIN, CUMULATIVE_LOST_MAX);
    }

    private static void checkUint32(long value, String name) {
        if (value < 0 || value > UINT32_MAX) {
            throw new IllegalArgumentException(name + " must be an unsigned 32-bit value");
        }
    }
}
