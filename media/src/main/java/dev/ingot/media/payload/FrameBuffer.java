package dev.ingot.media.payload;

import java.util.Arrays;

/** A growable byte buffer for the frame being assembled, reused from frame to frame, with a size cap. */
final class FrameBuffer {
    private static final int INITIAL_CAPACITY = 16 * 1024;

    private final int max;
    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private int length;

    FrameBuffer(int max) {
        this.max = max;
    }

    int length() {
        return length;
    }

    byte[] array() {
        return bytes;
    }

    void reset() {
        length = 0;
    }

    /** Appends, or returns false (and appends nothing) if that would pass the cap. */
    boolean append(byte[] src, int offset, int count) {
        if (count > max - length) {
            return false;
        }
        ensure(length + count);
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
        return true;
    }

    boolean append(int b) {
        if (length >= max) {
            return false;
        }
        ensure(length + 1);
        bytes[length++] = (byte) b;
        return true;
    }

    /** Appends the 4-byte Annex B start code 00 00 00 01. */
    boolean appendStartCode() {
        if (4 > max - length) {
            return false;
        }
        ensure(length + 4);
        bytes[length] = 0;
        bytes[length + 1] = 0;
        bytes[length + 2] = 0;
        bytes[length + 3] = 1;
        length += 4;
        return true;
    }

    byte[] copy(int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private void ensure(int needed) {
        if (needed > bytes.length) {
            int grown = (int) Math.min(Math.max((long) bytes.length * 2, needed), max);
            bytes = Arrays.copyOf(bytes, grown);
        }
    }
}
