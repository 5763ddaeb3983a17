package dev.ingot.server.queue;

import dev.ingot.server.config.Framerate;
import java.math.BigInteger;

/**
 * The output tick grid of {@code SMELTER_OUTPUT_FRAMERATE}: tick {@code n} has the PTS
 * {@code floor(n * 1e9 * den / num)} ns after the queue start, computed exactly for each {@code n} (never by
 * adding a rounded tick length, so 30000/1001 does not drift), and helpers mapping nanoseconds to sample indices
 * at the mixing rate. Immutable.
 */
final class TickGrid {
    private static final long NANOS = 1_000_000_000L;
    private final long num;
    private final long den;
    private final long nanosTimesDen;

    TickGrid(Framerate framerate) {
        this.num = framerate.num();
        this.den = framerate.den();
        this.nanosTimesDen = Math.multiplyExact(NANOS, den);
    }

    /** PTS of tick {@code n >= 0}, in nanoseconds after the queue start. */
    long pts(long n) {
        long q = n / num;
        long r = n % num;
        try {
            return Math.addExact(Math.multiplyExact(q, nanosTimesDen), Math.multiplyExact(r, nanosTimesDen) / num);
        } catch (ArithmeticException e) {
            return BigInteger.valueOf(n).multiply(BigInteger.valueOf(nanosTimesDen))
                    .divide(BigInteger.valueOf(num)).longValueExact();
        }
    }

    /** The smallest {@code n >= 0} with {@code pts(n) >= ptsNanos}. */
    long firstAtOrAfter(long ptsNanos) {
        if (ptsNanos <= 0) {
            return 0;
        }
        long n = (long) Math.ceil((double) ptsNanos * num / nanosTimesDen);
        n = Math.max(0, n);
        while (n > 0 && pts(n - 1) >= ptsNanos) {
            n--;
        }
        while (pts(n) < ptsNanos) {
            n++;
        }
        return n;
    }

    /** The largest {@code n >= 0} with {@code pts(n) <= ptsNanos}, or -1 when {@code ptsNanos < 0}. */
    long lastAtOrBefore(long ptsNanos) {
        if (ptsNanos < 0) {
            return -1;
        }
        long n = firstAtOrAfter(ptsNanos);
        return pts(n) == ptsNanos ? n : n - 1;
    }

    /** Whether some tick {@code n >= 0} has {@code from <= pts(n) < to}. */
    boolean anyTickIn(long fromInclusive, long toExclusive) {
        if (toExclusive <= fromInclusive || toExclusive <= 0) {
            return false;
        }
        return pts(firstAtOrAfter(fromInclusive)) < toExclusive;
    }

    /**
     * Index of the sample playing at {@code nanos} on a {@code rate} Hz grid that starts at PTS 0, rounded to the
     * nearest sample. Adjacent intervals {@code [sampleIndex(a), sampleIndex(b))} and
     * {@code [sampleIndex(b), sampleIndex(c))} partition the samples exactly.
     */
    static long sampleIndex(long nanos, int rate) {
        long q = Math.floorDiv(nanos, NANOS);
        long rem = Math.floorMod(nanos, NANOS);
        return q * rate + Math.floorDiv(rem * rate + NANOS / 2, NANOS);
    }

    /** PTS in nanoseconds of sample {@code index} on a {@code rate} Hz grid that starts at PTS 0 (rounded down). */
    static long sampleNanos(long index, int rate) {
        long q = Math.floorDiv(index, rate);
        long rem = Math.floorMod(index, rate);
        return q * NANOS + rem * NANOS / rate;
    }
}
