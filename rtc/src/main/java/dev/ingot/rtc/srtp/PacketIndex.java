package dev.ingot.rtc.srtp;

/**
 * The 48-bit SRTP packet index {@code i = 2^16 * ROC + SEQ} and its estimation from a 16-bit sequence number
 * (RFC 3711 §3.3.1 and Appendix A).
 */
final class PacketIndex {

    /** The estimate would need a rollover counter below zero: the packet is older than the stream's start. */
    static final long BEFORE_START = -1;
    /** The estimate would need a rollover counter above 2^32 - 1: the index space is used up. */
    static final long EXHAUSTED = -2;

    static final long MAX_ROC = 0xFFFF_FFFFL;

    private PacketIndex() {
    }

    /**
     * Estimates the index of a packet with sequence number {@code seq} given the highest index seen so far
     * ({@code -1} if none: the first packet gets ROC 0). Returns {@link #BEFORE_START} or {@link #EXHAUSTED} when no
     * valid index fits.
     */
    static long estimate(long highest, int seq) {
        if (highest < 0) {
            return seq;
        }
        long roc = highest >>> 16;
        int sl = (int) (highest & 0xFFFF);
        long v = roc;
        if (sl < 32768) {
            if (seq - sl > 32768) {
                v = roc - 1;
            }
        } else if (sl - 32768 > seq) {
            v = roc + 1;
        }
        if (v < 0) {
            return BEFORE_START;
        }
        if (v > MAX_ROC) {
            return EXHAUSTED;
        }
        return (v << 16) | seq;
    }
}
