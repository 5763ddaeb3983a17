package dev.ingot.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Reads a fuzzer's input front to back as a little program: bytes, 16-bit numbers and length-prefixed chunks.
 * Reading past the end yields zeros and empty arrays, so every input is a valid program. Seeds are written with
 * {@link Writer}, which lays values out the same way, so hand-made seeds mean what they say.
 */
final class FuzzBytes {
    private final byte[] data;
    private int pos;

    FuzzBytes(byte[] data) {
        this.data = data;
    }

    boolean hasMore() {
        return pos < data.length;
    }

    int remaining() {
        return data.length - pos;
    }

    int u8() {
        return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    int u16() {
        return (u8() << 8) | u8();
    }

    long u32() {
        return ((long) u16() << 16) | u16();
    }

    boolean bool() {
        return (u8() & 1) != 0;
    }

    /** Up to {@code n} bytes (fewer at the end of the input). */
    byte[] bytes(int n) {
        int k = Math.max(0, Math.min(n, remaining()));
        byte[] out = Arrays.copyOfRange(data, pos, pos + k);
        pos += k;
        return out;
    }

    /** A chunk: a 16-bit length, then that many bytes (fewer at the end of the input). */
    byte[] chunk() {
        return bytes(u16());
    }

    /** A short chunk: an 8-bit length (at most {@code max}), then that many bytes. */
    byte[] chunkOf(int max) {
        return bytes(u8() % (max + 1));
    }

    /** Everything not read yet. */
    byte[] rest() {
        return bytes(remaining());
    }

    /** Builds seed files in the layout {@link FuzzBytes} reads. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        Writer u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Writer chunk(byte[] b) {
            return u16(b.length).bytes(b);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
