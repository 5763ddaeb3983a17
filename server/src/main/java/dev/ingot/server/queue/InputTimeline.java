package dev.ingot.server.queue;

import dev.ingot.server.PipelineClock;
import dev.ingot.server.input.RegisteredInput;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Maps one input stream's media PTS onto the queue's timeline (Smelter's per-track offset): the queue PTS
 * handed to {@link dev.ingot.server.pipeline.InputMediaListener} is {@code mediaPts + base + delay_ms}, where
 * {@code base} is fixed by the first call after {@code /api/start} so that that media PTS lands at
 * {@code now - start + margin}, or at {@code offset_ms} when the input has one and that moment is later (a live
 * stream cannot be placed in the past, so for a WHIP input {@code offset_ms} means "not before").
 *
 * <p>The margin (default {@link #DEFAULT_MARGIN_NANOS}, Smelter's {@code MIN_DECODE_TIME}: its jitter buffer
 * releases packets that long before their PTS) is the head start media has on the tick that uses it, so that
 * decoding jitter does not make a picture miss its tick and a tick's audio interval is there when it is due.
 *
 * <p><b>Queue PTS</b> are nanoseconds after the pipeline start ({@link PipelineClock}). Before the start there is
 * nothing to measure from, so every call returns {@code offset_ms + delay_ms}: "at the start, plus the input's
 * shift". The queue keeps only the newest such picture (and no audio) until it starts, and the first call after
 * the start fixes {@code base}. A start that changes ({@code /api/reset} then {@code /api/start}) fixes it again.
 *
 * <p>One timeline serves one stream of an input (one WHIP session), shared by its video and audio so their
 * synchronisation is kept (Smelter shares one {@code TrackOffset} the same way): their media PTS must then be on
 * one media clock. A new session gets a new timeline. Thread-safe; calls are cheap.
 */
public final class InputTimeline {
    private static final long NOT_FIXED = Long.MIN_VALUE;
    /** 80 ms: how far ahead of "now" a stream's first media is placed. */
    public static final long DEFAULT_MARGIN_NANOS = 80_000_000L;

    private final PipelineClock clock;
    private final LongSupplier nanoClock;
    private final long delayNanos;
    private final long marginNanos;
    private final OptionalLong offsetNanos;
    private long base;
    private long fixedForStart = NOT_FIXED;

    /**
     * @param nanoClock   the monotonic clock {@link PipelineClock#start(long)} was given ({@code System::nanoTime})
     * @param delayNanos  the side channel's {@code delay_ms}, in nanoseconds (0 when none)
     * @param offsetNanos {@code offset_ms} in nanoseconds, or empty for "where the stream arrives"
     * @param marginNanos head start of the first media over "now" (see the class comment)
     */
    public InputTimeline(PipelineClock clock, LongSupplier nanoClock, long delayNanos, OptionalLong offsetNanos,
            long marginNanos) {
        if (delayNanos < 0 || marginNanos < 0 || (offsetNanos.isPresent() && offsetNanos.getAsLong() < 0)) {
            throw new IllegalArgumentException("delay, offset and margin must not be negative");
        }
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.delayNanos = delayNanos;
        this.offsetNanos = offsetNanos;
        this.marginNanos = marginNanos;
    }

    /** With the default margin. */
    public InputTimeline(PipelineClock clock, LongSupplier nanoClock, long delayNanos, OptionalLong offsetNanos) {
        this(clock, nanoClock, delayNanos, offsetNanos, DEFAULT_MARGIN_NANOS);
    }

    /** The timeline of a new stream of {@code input}: its {@code side_channel.delay_ms} and {@code offset_ms}. */
    public static InputTimeline forInput(RegisteredInput input, PipelineClock clock, LongSupplier nanoClock) {
        long delay = Math.round(input.spec().sideChannel().delayMs() * 1_000_000);
        OptionalLong offset = input.spec().offsetMs()
                .map(ms -> OptionalLong.of(Math.round(ms * 1_000_000)))
                .orElse(OptionalLong.empty());
        return new InputTimeline(clock, nanoClock, delay, offset);
    }

    /** The queue PTS of media PTS {@code mediaPtsNanos} (see the class comment). */
    public synchronized long toQueuePts(long mediaPtsNanos) {
        long start = clock.startNanos();
        if (!clock.started() || start == Long.MIN_VALUE) {
            return delayNanos + offsetNanos.orElse(0);
        }
        if (fixedForStart != start) {
            long now = nanoClock.getAsLong() - start + marginNanos;
            long at = offsetNanos.isPresent() ? Math.max(offsetNanos.getAsLong(), now) : now;
            base = at - mediaPtsNanos;
            fixedForStart = start;
        }
        return mediaPtsNanos + base + delayNanos;
    }

    /**
     * The monotonic time at which the queue needs media with this media PTS ({@code start + queue PTS}), once the
     * first media after the start has fixed the mapping; {@link Long#MIN_VALUE} before. Does not fix it.
     */
    public synchronized long dueNanos(long mediaPtsNanos) {
        long start = clock.startNanos();
        if (!clock.started() || fixedForStart != start) {
            return Long.MIN_VALUE;
        }
        return start + mediaPtsNanos + base + delayNanos;
    }

    /** Whether the first media PTS after the start has fixed the mapping. */
    public synchronized boolean fixed() {
        return fixedForStart != NOT_FIXED && fixedForStart == clock.startNanos();
    }

    public long delayNanos() {
        return delayNanos;
    }
}
