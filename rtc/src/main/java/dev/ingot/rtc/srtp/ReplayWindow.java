package dev.ingot.rtc.srtp;

import java.util.Arrays;

/**
 * A sliding replay window over packet indices (RFC 3711 §3.3.2): remembers the highest index accepted and which of
 * the {@code size} indices at or below it were seen. Kept as a ring of bits addressed by index modulo size, so
 * advancing by one clears one bit instead of shifting the whole window.
 */
final class ReplayWindow {

    private final long[] words;
    private final int size;
    private final int mask;
    private long highest = -1;

    /** @param size window length in indices: a power of two, at least 64 */
    ReplayWindow(int size) {
        if (size < 64 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("window size must be a power of two >= 64: " + size);
        }
        this.size = size;
        this.mask = size - 1;
        this.words = new long[size >>> 6];
    }

    /** The highest index marked seen, or -1 before the first. */
    long highest() {
        return highest;
    }

    int size() {
        return size;
    }

    /** Whether {@code index} is neither seen already nor older than the window. Changes nothing. */
    boolean isFresh(long index) {
        if (index > highest) {
            return true;
        }
        if (highest - index >= size) {
            return false;
        }
        int slot = (int) (index & mask);
        return (words[slot >>> 6] & (1L << slot)) == 0;
    }

    /** Records {@code index} as seen, advancing the window if it is the new highest. Call only after authentication. */
    void markSeen(long index) {
        if (index > highest) {
            if (highest < 0 || index - highest >= size) {
                Arrays.fill(words, 0L);
            } else {
                for (long i = highest + 1; i < index; i++) {
                    int slot = (int) (i & mask);
                    words[slot >>> 6] &= ~(1L << slot);
                }
            }
            highest = index;
        }
        int slot = (int) (index & mask);
        words[slot >>> 6] |= 1L << slot;
    }
}
