package dev.ingot.rtc.rtp;

/**
 * Extends 32-bit RTP timestamps (RFC 3550 §5.1) to a 64-bit value that keeps growing across wraps,
 * placing each one at the value nearest to the previous (a signed 32-bit step), so timestamps that
 * go backwards a little (B-frames, reordering) stay below their successors.
 *
 * <p>The first value is returned as is (0..2^32-1); older ones may come back below it. Not
 * thread-safe.
 */
public final class TimestampUnwrapper {

    private boolean started;
    private long last;

    /** Returns the extended form of {@code timestamp} (only its low 32 bits are used). */
    public long unwrap(long timestamp) {
        long extended = started ? unwrap(last, timestamp) : (timestamp & 0xFFFF_FFFFL);
        started = true;
        last = extended;
        return extended;
    }

    /** Returns what {@link #unwrap(long)} would return, without remembering it. */
    public long peek(long timestamp) {
        return started ? unwrap(last, timestamp) : (timestamp & 0xFFFF_FFFFL);
    }

    public boolean started() {
        return started;
    }

    /** The last extended value returned by {@link #unwrap(long)} (0 before the first). */
    public long last() {
        return last;
    }

    public void reset() {
        started = false;
        last = 0;
    }

    /** The extended timestamp nearest to {@code reference} whose low 32 bits are {@code timestamp}. */
    public static long unwrap(long reference, long timestamp) {
        int step = (int) (timestamp - reference);
        return reference + step;
    }
}
