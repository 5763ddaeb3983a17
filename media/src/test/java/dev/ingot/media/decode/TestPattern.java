package dev.ingot.media.decode;

/**
 * A synthetic I420 picture for round-trip tests: smooth luma and chroma gradients, a bar that moves with the
 * frame index, and the frame index drawn in binary as eight blocks along the bottom (white = 1, black = 0),
 * which {@link #readCounter} reads back from RGBA.
 */
final class TestPattern {
    static final int COUNTER_BITS = 8;
    static final int COUNTER_BLOCK_HEIGHT = 16;

    final int width;
    final int height;
    final byte[] y;
    final byte[] u;
    final byte[] v;

    private TestPattern(int width, int height) {
        this.width = width;
        this.height = height;
        y = new byte[width * height];
        u = new byte[((width + 1) / 2) * ((height + 1) / 2)];
        v = new byte[u.length];
    }

    static TestPattern frame(int width, int height, int index) {
        TestPattern p = new TestPattern(width, height);
        int barX = (index * 8) % width;
        int counterTop = height - COUNTER_BLOCK_HEIGHT;
        int blockWidth = width / COUNTER_BITS;
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int luma = 16 + (col * 160 / width) + (row * 50 / height) + (index % 10);
                if (col >= barX && col < barX + 16) {
                    luma = 220;
                }
                if (row >= counterTop) {
                    int bit = col / blockWidth;
                    int inBlock = col % blockWidth;
                    boolean on = bit < COUNTER_BITS && ((index >> bit) & 1) != 0;
                    luma = inBlock < 4 || inBlock >= blockWidth - 4 ? 128 : (on ? 235 : 16);
                }
                p.y[row * width + col] = (byte) luma;
            }
        }
        int cw = (width + 1) / 2;
        int ch = (height + 1) / 2;
        for (int row = 0; row < ch; row++) {
            for (int col = 0; col < cw; col++) {
                boolean counter = row * 2 >= counterTop;
                p.u[row * cw + col] = (byte) (counter ? 128 : 64 + col * 128 / cw);
                p.v[row * cw + col] = (byte) (counter ? 128 : 192 - row * 128 / ch);
            }
        }
        return p;
    }

    /** Reads the frame index back from an RGBA picture of this pattern. */
    static int readCounter(byte[] rgba, int width, int height) {
        int blockWidth = width / COUNTER_BITS;
        int row = height - COUNTER_BLOCK_HEIGHT / 2;
        int value = 0;
        for (int bit = 0; bit < COUNTER_BITS; bit++) {
            int col = bit * blockWidth + blockWidth / 2;
            int green = rgba[(row * width + col) * 4 + 1] & 0xff;
            if (green > 128) {
                value |= 1 << bit;
            }
        }
        return value;
    }

    /** PSNR in dB over the R, G and B channels of two RGBA pictures of the same size. */
    static double psnrRgb(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("sizes differ: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            if ((i & 3) == 3) {
                continue;
            }
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            sum += d * d;
            n++;
        }
        double mse = sum / n;
        return mse == 0 ? 99.0 : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
