package dev.ingot.server.ops;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns a decoded RGBA picture into a small JPEG for the dashboard: scaled down (never up) to at most
 * {@code maxWidth} pixels wide, keeping the aspect ratio, with an area average (each thumbnail pixel is the mean
 * of the source pixels it covers), then encoded with {@code javax.imageio} (fine at one picture a second).
 */
public final class JpegThumbnail {
    /** Width of dashboard thumbnails. */
    public static final int DEFAULT_MAX_WIDTH = 320;
    private static final float QUALITY = 0.8f;

    private JpegThumbnail() {
    }

    /** The thumbnail's size for a {@code width x height} picture: at most {@code maxWidth} wide, at least 1x1. */
    public static int[] scaledSize(int width, int height, int maxWidth) {
        if (width <= maxWidth) {
            return new int[] {width, height};
        }
        int h = (int) Math.max(1, Math.round((double) height * maxWidth / width));
        return new int[] {maxWidth, h};
    }

    /**
     * Encodes {@code rgba} (tightly packed, {@code width * height * 4} bytes; alpha ignored) as a JPEG at most
     * {@code maxWidth} pixels wide.
     */
    public static byte[] encode(int width, int height, byte[] rgba, int maxWidth) {
        if (width <= 0 || height <= 0 || maxWidth <= 0) {
            throw new IllegalArgumentException("bad size " + width + "x" + height + " max " + maxWidth);
        }
        if (rgba.length < (long) width * height * 4) {
            throw new IllegalArgumentException("need " + (long) width * height * 4 + " RGBA bytes, got " + rgba.length);
        }
        int[] size = scaledSize(width, height, maxWidth);
        BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        scale(width, height, rgba, size[0], size[1], out);
        return jpeg(image);
    }

    /** Area-average scaling of RGBA into 0xRRGGBB pixels of a {@code dw x dh} image. */
    static void scale(int sw, int sh, byte[] rgba, int dw, int dh, int[] out) {
        for (int dy = 0; dy < dh; dy++) {
            int y0 = (int) ((long) dy * sh / dh);
            int y1 = Math.max(y0 + 1, (int) ((long) (dy + 1) * sh / dh));
            for (int dx = 0; dx < dw; dx++) {
                int x0 = (int) ((long) dx * sw / dw);
                int x1 = Math.max(x0 + 1, (int) ((long) (dx + 1) * sw / dw));
                long r = 0;
                long g = 0;
                long b = 0;
                for (int y = y0; y < y1; y++) {
                    int i = (y * sw + x0) * 4;
                    for (int x = x0; x < x1; x++, i += 4) {
                        r += rgba[i] & 0xff;
                        g += rgba[i + 1] & 0xff;
                        b += rgba[i + 2] & 0xff;
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                out[dy * dw + dx] = (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n);
            }
        }
    }

    private static byte[] jpeg(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no JPEG writer in javax.imageio");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
