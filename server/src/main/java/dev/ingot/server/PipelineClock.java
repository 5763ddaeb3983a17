package dev.ingot.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When the pipeline (Smelter's queue) started: {@code POST /api/start} sets it, {@code /api/reset} clears it.
 * PTS and scheduled requests are relative to this instant.
 */
public final class PipelineClock {
    private static final long NOT_STARTED = Long.MIN_VALUE;
    private final AtomicLong startNanos = new AtomicLong(NOT_STARTED);

    /** Returns true if this call started it (later calls are no-ops, as in Smelter). */
    public boolean start(long nowNanos) {
        return startNanos.compareAndSet(NOT_STARTED, nowNanos);
    }

    public boolean started() {
        return startNanos.get() != NOT_STARTED;
    }

    public long startNanos() {
        return startNanos.get();
    }

    public void reset() {
        startNanos.set(NOT_STARTED);
    }
}
