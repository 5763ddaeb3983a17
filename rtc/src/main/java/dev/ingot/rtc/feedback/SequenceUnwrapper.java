package dev.ingot.rtc.feedback;

/**
 * Turns 16-bit sequence numbers into a monotonic {@code long} space: each number is placed at the position
 * closest to the highest one seen so far (a step of at most ±32768), so wrap-around at 65535 keeps counting up.
 * The first number maps to itself; reordered numbers from before the first may map below zero.
 */
final class SequenceUnwrapper {
    private boolean started;
    private long highest;

    /** The extended value of {@code sequenceNumber} (only its low 16 bits are used); advances the highest seen. */
    long unwrap(int sequenceNumber) {
        long extended = peek(sequenceNumber);
        if (!started || extended > highest) {
            highest = extended;
            started = true;
        }
        return extended;
    }

    /** The extended value of {@code sequenceNumber} without remembering it. */
    long peek(int sequenceNumber) {
        int seq = sequenceNumber & 0xFFFF;
        if (!started) {
            return seq;
        }
        int delta = (short) (seq - (int) (highest & 0xFFFF));
        return highest + delta;
    }

    /** Forgets everything: the next number maps to itself again. */
    void reset() {
        started = false;
        highest = 0;
    }
}
