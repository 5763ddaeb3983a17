package dev.ingot.rtc.feedback;

/**
 * How long a gap in a stream's sequence numbers may stay open before it counts as loss: the reordering the path
 * has shown. Each packet that arrived after later ones, before any NACK for it or proven to be the original after
 * one, gives a sample: how long after its gap opened it came. The window is a peak of the samples that decays
 * (half-life {@link #HALF_LIFE_NANOS}) toward {@link #FLOOR_NANOS}, plus a quarter for margin, at most
 * {@link #CEILING_NANOS}. Before any sample it is {@link #INITIAL_NANOS}. A path that reorders by up to 20 ms
 * thus gets NACKs only for gaps older than about 25 ms, after the first few; a path that never reorders gets them
 * within a few milliseconds.
 */
public final class ReorderWindow {
    static final long FLOOR_NANOS = 2_000_000L;
    static final long INITIAL_NANOS = 5_000_000L;
    static final long CEILING_NANOS = 150_000_000L;
    static final long HALF_LIFE_NANOS = 5_000_000_000L;

    private long peakNanos;
    private long peakAt;
    private long samples;

    /** A packet arrived {@code latenessNanos} after its gap opened, and was not lost. */
    public void onSample(long latenessNanos, long nowNanos) {
        long decayed = decayedPeak(nowNanos);
        peakNanos = Math.max(decayed, Math.min(Math.max(latenessNanos, 0), CEILING_NANOS));
        peakAt = nowNanos;
        samples++;
    }

    private long decayedPeak(long nowNanos) {
        if (samples == 0) {
            return 0;
        }
        long elapsed = Math.max(0, nowNanos - peakAt);
        if (elapsed >= 16 * HALF_LIFE_NANOS) {
            return 0;
        }
        return (long) (peakNanos * Math.pow(0.5, (double) elapsed / HALF_LIFE_NANOS));
    }

    /** How long a gap may stay open at {@code nowNanos} before it is taken for loss. */
    public long windowNanos(long nowNanos) {
        if (samples == 0) {
            return INITIAL_NANOS;
        }
        long peak = decayedPeak(nowNanos);
        return Math.min(CEILING_NANOS, Math.max(FLOOR_NANOS, peak + peak / 4));
    }

    /** Samples taken so far. */
    public long samples() {
        return samples;
    }
}
