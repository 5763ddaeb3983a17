package dev.ingot.media.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VideoFrameTest {
    private final RgbaConverter converter = new RgbaConverter();

    @AfterEach
    void close() {
        converter.close();
    }

    /** A uniform I420 frame of one colour. */
    private VideoFrame solid(int w, int h, int y, int u, int v) {
        int c = ((w + 1) / 2) * ((h + 1) / 2);
        byte[] ys = new byte[w * h];
        byte[] us = new byte[c];
        byte[] vs = new byte[c];
        Arrays.fill(ys, (byte) y);
        Arrays.fill(us, (byte) u);
        Arrays.fill(vs, (byte) v);
        return VideoFrame.copyOfI420(w, h, 0, ys, us, vs, converter);
    }

    private static int[] pixel(byte[] rgba, int index) {
        return new int[] {rgba[index * 4] & 0xff, rgba[index * 4 + 1] & 0xff, rgba[index * 4 + 2] & 0xff,
                rgba[index * 4 + 3] & 0xff};
    }

    private static void assertRgb(int[] actual, int r, int g, int b) {
        assertThat(Math.abs(actual[0] - r)).as("red of %s", Arrays.toString(actual)).isLessThanOrEqualTo(3);
        assertThat(Math.abs(actual[1] - g)).as("green of %s", Arrays.toString(actual)).isLessThanOrEqualTo(3);
        assertThat(Math.abs(actual[2] - b)).as("blue of %s", Arrays.toString(actual)).isLessThanOrEqualTo(3);
        assertThat(actual[3]).isEqualTo(255);
    }

    @Test
    void limitedRangeBt601ColoursBecomeTheirRgb() {
        // ITU-R BT.601 studio range: white 235/128/128, black 16/128/128, red 81/90/240, green 145/54/34, blue 41/240/110.
        try (VideoFrame white = solid(64, 48, 235, 128, 128); VideoFrame black = solid(64, 48, 16, 128, 128);
                VideoFrame red = solid(64, 48, 81, 90, 240); VideoFrame green = solid(64, 48, 145, 54, 34);
                VideoFrame blue = solid(64, 48, 41, 240, 110)) {
            assertRgb(pixel(white.rgbaArray(), 100), 255, 255, 255);
            assertRgb(pixel(black.rgbaArray(), 100), 0, 0, 0);
            assertRgb(pixel(red.rgbaArray(), 100), 255, 0, 0);
            assertRgb(pixel(green.rgbaArray(), 100), 0, 255, 0);
            assertRgb(pixel(blue.rgbaArray(), 100), 0, 0, 255);
        }
    }

    @Test
    void rgbaIsTightlyPackedEvenForOddSizes() {
        try (VideoFrame f = solid(33, 17, 235, 128, 128)) {
            ByteBuffer rgba = f.rgba();
            assertThat(rgba.remaining()).isEqualTo(33 * 17 * 4);
            assertThat(rgba.isReadOnly()).isTrue();
            assertThat(rgba.isDirect()).isTrue();
            assertRgb(pixel(f.rgbaArray(), 33 * 17 - 1), 255, 255, 255);
        }
    }

    @Test
    void rgbaIsConvertedOnceAndSharedByEveryConsumer() throws Exception {
        VideoFrame f = solid(320, 240, 81, 90, 240);
        assertThat(f.hasRgba()).isFalse();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] readers = new Future<?>[8];
            for (int i = 0; i < readers.length; i++) {
                VideoFrame mine = f.retain();
                readers[i] = pool.submit(() -> {
                    start.await();
                    try (mine) {
                        assertRgb(pixel(mine.rgbaArray(), 1000), 255, 0, 0);
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> r : readers) {
                r.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(converter.conversions()).isEqualTo(1);
        assertThat(f.hasRgba()).isTrue();
        f.release();
    }

    @Test
    void theLastReleaseEndsTheFrameAndLaterUseFailsCleanly() {
        VideoFrame f = solid(16, 16, 16, 128, 128);
        f.retain();
        f.release();
        assertThat(f.rgba().remaining()).isEqualTo(16 * 16 * 4); // still held once
        f.release();
        assertThatThrownBy(f::rgba).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(f::retain).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(f::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.copyPlane(0, 16, 16, new byte[256])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void releasedRgbaBuffersAreReused() {
        VideoFrame a = solid(64, 64, 235, 128, 128);
        ByteBuffer first = a.rgba();
        long address = addressOf(first);
        a.release();
        try (VideoFrame b = solid(64, 64, 16, 128, 128)) {
            assertThat(addressOf(b.rgba())).isEqualTo(address);
            assertRgb(pixel(b.rgbaArray(), 0), 0, 0, 0);
        }
    }

    private static long addressOf(ByteBuffer direct) {
        return new org.bytedeco.javacpp.BytePointer(direct).address();
    }

    @Test
    void aFrameStillConvertsAfterItsConverterClosed() {
        VideoFrame f = solid(32, 32, 235, 128, 128);
        converter.close();
        try (f) {
            assertRgb(pixel(f.rgbaArray(), 5), 255, 255, 255);
        }
    }

    @Test
    void planesCopyOutAsDecoded() {
        byte[] y = new byte[8 * 4];
        for (int i = 0; i < y.length; i++) {
            y[i] = (byte) (16 + i);
        }
        try (VideoFrame f = VideoFrame.copyOfI420(8, 4, 7, y, new byte[8], new byte[8], converter)) {
            byte[] out = new byte[y.length];
            f.copyPlane(0, 8, 4, out);
            assertThat(out).isEqualTo(y);
            assertThat(f.pixelFormat()).isEqualTo("yuv420p");
            assertThat(f.ptsNanos()).isEqualTo(7);
            assertThatThrownBy(() -> f.copyPlane(1, 4, 3, new byte[12])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.copyPlane(5, 1, 1, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rgbaFramesNeedNoConversion() {
        ByteBuffer rgba = ByteBuffer.allocate(4 * 4 * 4);
        rgba.put(0, (byte) 9);
        try (VideoFrame f = VideoFrame.ofRgba(4, 4, 1, rgba)) {
            assertThat(f.rgba().get(0)).isEqualTo((byte) 9);
            assertThat(f.pixelFormat()).isEqualTo("rgba");
            assertThat(f.hasRgba()).isTrue();
        }
        assertThatThrownBy(() -> VideoFrame.ofRgba(4, 4, 1, ByteBuffer.allocate(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
