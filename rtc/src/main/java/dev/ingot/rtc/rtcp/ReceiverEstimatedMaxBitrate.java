package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;

/**
 * Receiver estimated maximum bitrate (REMB), draft-alvestrand-rmcat-remb-03 §2.2: a PSFB application
 * layer feedback message (FMT 15) with the identifier "REMB", a bitrate as 6-bit exponent and 18-bit
 * mantissa, and the SSRCs it applies to. The header's media source SSRC is written as 0 and ignored
 * when parsing.
 *
 * @param bitrateBps bits per second; writing rounds it down to what the mantissa/exponent form holds
 * @param ssrcs at most 255 SSRCs
 */
public record ReceiverEstimatedMaxBitrate(long senderSsrc, long bitrateBps, List<Long> ssrcs)
        implements RtcpPacket {

    private static final int MANTISSA_BITS = 18;
    private static final long MANTISSA_LIMIT = 1L << MANTISSA_BITS;

    public ReceiverEstimatedMaxBitrate {
        requireU32("senderSsrc", senderSsrc);
        if (bitrateBps < 0) {
            throw new IllegalArgumentException("negative bitrate: " + bitrateBps);
        }
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 255) {
            throw new IllegalArgumentException("at most 255 SSRCs, got " + ssrcs.size());
        }
        for (long s : ssrcs) {
            requireU32("ssrc", s);
        }
    }

    /**
     * Encodes a bitrate into the 24-bit exponent/mantissa field (exponent in the top 6 bits): the
     * smallest exponent whose mantissa fits 18 bits, the mantissa rounded down.
     */
    public static int encodeBitrate(long bitrateBps) {
        if (bitrateBps < 0) {
            throw new IllegalArgumentException("negative bitrate: " + bitrateBps);
        }
        int exp = 0;
        while ((bitrateBps >>> exp) >= MANTISSA_LIMIT) {
            exp++;
        }
        return (exp << MANTISSA_BITS) | (int) (bitrateBps >>> exp);
    }

    /**
     * Decodes the 24-bit exponent/mantissa field; a value beyond {@code Long.MAX_VALUE} (exponent
     * above 45 with a large mantissa) is clamped to it.
     */
    public static long decodeBitrate(int field) {
        int exp = (field >>> MANTISSA_BITS) & 0x3F;
        long mantissa = field & (MANTISSA_LIMIT - 1);
        if (mantissa == 0) {
            return 0;
        }
        if (exp >= Long.numberOfLeadingZeros(mantissa)) {
            return Long.MAX_VALUE;
        }
        return mantissa << exp;
    }
}
