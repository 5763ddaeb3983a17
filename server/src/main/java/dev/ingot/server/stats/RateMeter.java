package dev.ingot.server.stats;

/** Events (or amounts) per second over the last completed second (decoded fps, pixels per second). Thread-safe. */
public final class RateMeter {
    private long second = Long.MIN_VALUE;
    private long current;
    private long last;
    private long total;

    public synchronized void mark(long nowNanos) {
        add(nowNanos, 1);
    }

    /** Counts {@code amount} events at once (e.g. the pixels of a decoded picture). */
    public synchronized void add(long nowNanos, long amount) {
        roll(nowNanos);
        current += amount;
        total += amount;
    }

    private void roll(long nowNanos) {
        long s = Math.floorDiv(nowNanos, 1_000_000_000L);
        if (s != second) {
            last = s == second + 1 ? current : 0;
            current = 0;
            second = s;
        }
    }

    /** Events in the last completed second. */
    public synchronized long perSecond(long nowNanos) {
        roll(nowNanos);
        return last;
    }

    public synchronized long total() {
        return total;
    }
}
