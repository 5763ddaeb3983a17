package dev.ingot.media.payload;

import java.util.Arrays;

/**
 * The parameter-set memory H.264 and H.265 depacketizers share: NAL units stored by id, and the insertion of
 * all known ones in front of a keyframe access unit that came without them.
 */
final class ParameterSets {
    private ParameterSets() {
    }

    /** Stores {@code b[off, off+len)} at {@code id} when the id was read without running off the end. */
    static void store(byte[][] sets, int id, BitReader r, byte[] b, int off, int len) {
        if (id >= 0 && id < sets.length && !r.overrun()) {
            sets[id] = Arrays.copyOfRange(b, off, off + len);
        }
    }

    static boolean anyKnown(byte[][] sets) {
        for (byte[] s : sets) {
            if (s != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The frame's bytes with every known parameter set (each after a 4-byte start code, in the order of the
     * arrays) inserted at {@code at} (after a leading access unit delimiter, or 0).
     */
    static byte[] insertAfter(FrameBuffer frame, int at, byte[][]... kinds) {
        int length = frame.length();
        int extra = 0;
        for (byte[][] sets : kinds) {
            for (byte[] nal : sets) {
                extra += nal == null ? 0 : 4 + nal.length;
            }
        }
        byte[] data = new byte[length + extra];
        System.arraycopy(frame.array(), 0, data, 0, at);
        int to = at;
        for (byte[][] sets : kinds) {
            for (byte[] nal : sets) {
                if (nal != null) {
                    data[to + 3] = 1;
                    System.arraycopy(nal, 0, data, to + 4, nal.length);
                    to += 4 + nal.length;
                }
            }
        }
        System.arraycopy(frame.array(), at, data, to, length - at);
        return data;
    }
}
