package dev.ingot.server.interop;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.pipeline.InputMediaListener;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Collects what a server decoded per input: frame counts, sizes, one late RGBA picture, audio samples. */
final class MediaProbe implements InputMediaListener {
    static final class Seen {
        volatile int frames;
        volatile int width;
        volatile int height;
        volatile long lastPts = Long.MIN_VALUE;
        volatile boolean ptsRising = true;
        volatile byte[] rgba;
        volatile int audioBatches;
        volatile int sampleRate;
        volatile int channels;
        final double[] left = new double[48_000 * 2];
        volatile int leftCount;
    }

    final ConcurrentMap<String, Seen> seen = new ConcurrentHashMap<>();

    Seen of(String id) {
        return seen.computeIfAbsent(id, k -> new Seen());
    }

    @Override
    public void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos) {
        try {
            Seen s = of(inputId);
            s.frames++;
            s.width = frame.width();
            s.height = frame.height();
            if (queuePtsNanos <= s.lastPts) {
                s.ptsRising = false;
            }
            s.lastPts = queuePtsNanos;
            if (s.frames % 30 == 0) {
                s.rgba = frame.rgbaArray();
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos) {
        Seen s = of(inputId);
        s.audioBatches++;
        s.sampleRate = batch.sampleRate();
        s.channels = batch.channels();
        synchronized (s) {
            // keep the first channel of the last second or so, skipping the first half second (start-up)
            if (s.audioBatches > 25) {
                for (int i = 0; i < batch.samplesPerChannel() && s.leftCount < s.left.length; i++) {
                    s.left[s.leftCount++] = batch.sample(i, 0);
                }
            }
        }
    }

    /** Dominant frequency of the collected first channel, by counting upward zero crossings. */
    static double toneHz(Seen s) {
        synchronized (s) {
            int n = s.leftCount;
            if (n < s.sampleRate / 4) {
                return -1;
            }
            int crossings = 0;
            int first = -1;
            int last = -1;
            for (int i = 1; i < n; i++) {
                if (s.left[i - 1] < 0 && s.left[i] >= 0) {
                    crossings++;
                    if (first < 0) {
                        first = i;
                    }
                    last = i;
                }
            }
            return crossings < 2 ? -1 : (crossings - 1) * (double) s.sampleRate / (last - first);
        }
    }

    /** PSNR in dB of two RGBA pictures of equal size, over the colour channels. */
    static double psnr(byte[] a, byte[] b) {
        double se = 0;
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            if ((i & 3) == 3) {
                continue;
            }
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            se += d * d;
            n++;
        }
        double mse = se / n;
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
