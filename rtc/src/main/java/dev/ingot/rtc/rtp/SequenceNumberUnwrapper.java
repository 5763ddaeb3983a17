package dev.ingot.rtc.rtp;

/**
 * Extends 16-bit RTP sequence numbers (RFC 3550 §5.1, §A.1) to a 64-bit count that keeps growing
 * across wraps at 65535, and places reordered or repeated packets correctly.
 *
 * <p>Each value is placed at the extended number nearest to the previously returned one (a signed
 * 16-bit step, -32768..32767). The first value is returned as is, so a packet older than the first
 * one seen can come back below it, even negative. Not thread-safe.
 */
public final class SequenceNumberUnwrapper {

    private boolean started;
    private long last;

    /** Returns the extended form of {@code seq} (only its low 16 bits are used). */
    public long unwrap(int seq) {
        long extended = started ? unwrap(last, seq) : (seq & 0xFFFF);
        started = true;
        last = extended;
        return extended;
    }

    /** Returns what {@link #unwrap(int)} would return, without remembering it. */
    public long peek(int seq) {
        return started ? unwrap(last, seq) : (seq & 0xFFFF);
    }

    /** Whether any value has been unwrapped yet. */
    public boolean started() {
        return started;
    }

    /** The last extended value returned by {@link #unwrap(int)} (0 before the first). */
    public long last() {
        return last;
    }

    /** Forgets everything; the next value starts afresh. */
    public void reset() {
        started = false;
        last = 0;
    }

    /** The extended sequence number nearest to {@code reference} whose low 16 bits are {@code seq}. */
    public static long unwrap(long reference, int seq) {
        int step = (short) ((seq - (int) reference) & 0xFFFF);
        return reference + step;
    }
}
