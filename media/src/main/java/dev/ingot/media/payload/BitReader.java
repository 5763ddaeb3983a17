package dev.ingot.media.payload;

/**
 * Reads bits most significant first from a byte range, optionally dropping H.264/H.265 emulation prevention
 * bytes (the 03 of 00 00 03, H.265 §7.4.2). Reading past the end yields zero bits and sets {@link #overrun()},
 * so a parser checks once at the end instead of at every field. Never throws.
 */
final class BitReader {
    private final byte[] b;
    private final int end;
    private final boolean unescape;
    private int pos;
    private int bit;
    private int zeros;
    private boolean overrun;

    BitReader(byte[] b, int off, int len, boolean unescape) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
        this.unescape = unescape;
    }

    /** One bit, 0 or 1. */
    int bit() {
        if (bit == 0 && !enterByte()) {
            overrun = true;
            return 0;
        }
        int v = (b[pos] >> (7 - bit)) & 1;
        if (++bit == 8) {
            bit = 0;
            zeros = b[pos] == 0 ? zeros + 1 : 0;
            pos++;
        }
        return v;
    }

    /** {@code n} (0..31) bits as an unsigned number. */
    int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    void skip(int n) {
        for (int i = 0; i < n && !overrun; i++) {
            bit();
        }
    }

    /** Exp-Golomb ue(v) (H.265 §9.2) up to 2^16, or -1 when longer or past the end. */
    int ue() {
        int leading = 0;
        while (bit() == 0) {
            if (overrun || ++leading > 16) {
                return -1;
            }
        }
        int v = (1 << leading) - 1 + bits(leading);
        return overrun ? -1 : v;
    }

    boolean overrun() {
        return overrun;
    }

    private boolean enterByte() {
        if (pos >= end) {
            return false;
        }
        if (unescape && zeros >= 2 && b[pos] == 3) {
            zeros = 0;
            pos++;
            return pos < end;
        }
        return true;
    }
}
