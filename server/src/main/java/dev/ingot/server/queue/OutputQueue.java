package dev.ingot.server.queue;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.PipelineClock;
import dev.ingot.server.config.Framerate;
import dev.ingot.server.config.IngotConfig;
import dev.ingot.server.events.ServerEvents;
import dev.ingot.server.events.ServerEvents.Event;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.pipeline.InputMediaListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Smelter's queue for Ingot: after {@code /api/start} it ticks at {@code SMELTER_OUTPUT_FRAMERATE} on its own
 * platform thread and hands each tick's pictures and audio ({@link QueueTick}) to its consumers, and it says what
 * happens to each input's streams on {@code /ws} ({@code *_INPUT_DELIVERED/PLAYING/PAUSED/EOS}).
 *
 * <p><b>Feeding it.</b> It is an {@link InputMediaListener}: the decoding pipeline passes every decoded picture
 * and audio batch with its queue PTS (from the stream's {@link InputTimeline}, see there for what queue PTS are
 * before and after the start). Those calls only add to the input's buffer under a short lock and never wait for
 * the queue. Inputs come from the {@link InputRegistry}: a registered input has a buffer from registration on,
 * and an unregistered one ends its streams (EOS) and frees its media at once.
 *
 * <p><b>Timing.</b> Tick {@code n} has PTS {@code n * den / num} seconds (exact, see {@link TickGrid}) and is due
 * at {@code start + PTS} on the monotonic clock the {@link PipelineClock} was started with: the schedule is
 * absolute, so nothing drifts, and a tick is never produced before it is due (Smelter without
 * {@code ahead_of_time_processing}). Ticks late for any reason are produced back to back until the queue is on
 * time again; if it falls more than the fallback timeout plus one second behind (a suspended machine) it skips
 * to the present. Before the start nothing ticks; buffers keep only the newest picture and no audio.
 *
 * <p><b>{@code required}</b> maps onto Smelter as follows. In Smelter a tick goes out when every input is ready
 * for it (has media past its PTS, or has ended) or, for inputs that are not required, when its due time has
 * passed; a required input that is not ready holds the tick with no time limit. Ingot does the same, with two
 * differences the spec asks for: (1) a required input holds from its registration (Smelter: from the WHIP
 * session's creation) until its first media, with no limit, and the ticks held that way are then skipped rather
 * than produced without it; (2) once it has streamed, it holds a tick at most
 * {@code SMELTER_STREAM_FALLBACK_TIMEOUT_MS} past the tick's due time; then its late streams are stalled (PAUSED)
 * and hold nothing until new media arrive. "Ready" means: video has a picture with PTS at or after the tick's,
 * audio has samples up to the tick's end. {@link #expectMedia} re-arms the first-media hold for a new session.
 * An input that is not required never holds a tick: it is in a tick with whatever it has at the due time.
 *
 * <p><b>Pictures</b> in a tick are, per input, the newest with PTS at or before the tick's (Smelter's
 * {@code get_for_pts}), repeated while nothing newer is due, and left out once older than the fallback timeout
 * (Smelter's renderer then shows the input's fallback). <b>Audio</b> is exactly the tick's samples at the mixing
 * rate, on a sample grid that starts at PTS 0, silence where the input had none.
 *
 * <p><b>Events</b>, each for an input and a kind (video, audio), in this order per stream, from this queue's
 * thread (decoding threads never emit): DELIVERED when the stream's first media reached the queue (Smelter: when
 * its receiver first holds a frame); PLAYING when its media first went out in a tick, and again after a pause;
 * PAUSED when it stalled: no new media for longer than the fallback timeout of tick PTS, or, for a required
 * input, a hold that gave up (Smelter emits PAUSED only for inputs paused through its API, which a WHIP input
 * cannot be: Ingot uses the event for stalls); EOS once per stream, when it ended (publisher gone, reported by
 * {@link #onTrackEnded}) and its last media went out, or at once when the input is unregistered or the pipeline
 * has not started (Smelter emits no EOS on unregister; the spec asks for one). A stream that never delivered
 * media has no events.
 *
 * <p><b>Scheduled requests</b> ({@link #schedule}, e.g. an unregister with {@code schedule_time_ms}) run on this
 * thread between ticks, in queue time, as Smelter's queue runs its scheduled events (see {@link ScheduledEvents}).
 */
public final class OutputQueue implements InputMediaListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputQueue.class);
    private static final long NOT_RUNNING = Long.MIN_VALUE;
    /** How often the thread looks at the pipeline clock before the start. */
    private static final long IDLE_POLL_NANOS = 5_000_000L;
    /** How often the thread looks again while a required input holds a tick (new media also wakes it). */
    private static final long HOLD_POLL_NANOS = 5_000_000L;

    private final TickGrid grid;
    private final Framerate framerate;
    private final int sampleRate;
    private final long fallbackNanos;
    private final long maxLagNanos;
    private final InputRegistry registry;
    private final PipelineClock clock;
    private final ServerEvents events;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, InputBuffer> buffers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<InputBuffer> retired = new ConcurrentLinkedQueue<>();
    private final List<QueueTickConsumer> consumers = new CopyOnWriteArrayList<>();
    private final ScheduledEvents scheduled = new ScheduledEvents();

    private final ReentrantLock pollLock = new ReentrantLock();
    // Guarded by pollLock (the queue's thread, or a test driving poll).
    private volatile long runStart = NOT_RUNNING; // read by the decoding threads too
    private long nextTick;
    private boolean nextTickHeld;
    private final List<Event> out = new ArrayList<>();
    private final List<VideoFrame> release = new ArrayList<>();
    private List<ScheduledEvents.Due> dueRequests = List.of();
    private long followedVersion = -1;
    // Written under pollLock, read by stats.
    private volatile long ticks;
    private volatile long ticksHeld;
    private volatile long ticksSkipped;
    private volatile long lastTickPts = -1;
    private volatile long lagNanos;
    /** PTS of the first tick not produced yet in the current run; 0 before the start. Read by {@link #schedule}. */
    private volatile long nextTickPts;

    private volatile Thread thread;
    private volatile boolean closed;
    private volatile boolean waitingForMedia;

    /** The queue of a server with this configuration, on {@link System#nanoTime()}. Call {@link #start()}. */
    public OutputQueue(IngotConfig config, InputRegistry registry, PipelineClock clock, ServerEvents events) {
        this(config.outputFramerate(), config.mixingSampleRate(), config.streamFallbackTimeoutMs() * 1_000_000L,
                registry, clock, events, System::nanoTime);
    }

    /**
     * @param nanoClock the monotonic clock {@code clock} is started with (tests pass a manual one and drive
     *                  {@link #poll} themselves instead of calling {@link #start()})
     */
    public OutputQueue(Framerate framerate, int sampleRate, long fallbackNanos, InputRegistry registry,
            PipelineClock clock, ServerEvents events, LongSupplier nanoClock) {
        this.framerate = framerate;
        this.grid = new TickGrid(framerate);
        this.sampleRate = sampleRate;
        this.fallbackNanos = fallbackNanos;
        this.maxLagNanos = fallbackNanos + 1_000_000_000L;
        this.registry = registry;
        this.clock = clock;
        this.events = events;
        this.nanoClock = nanoClock;
        registry.onUnregister(input -> wake());
    }

    /** Starts the queue's thread (it waits for {@code /api/start}, then ticks). Returns this. */
    public synchronized OutputQueue start() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().name("ingot-queue").daemon(true).start(this::run);
        }
        return this;
    }

    /** Adds a consumer of every tick from the next one on; returns what removes it. */
    public Runnable addConsumer(QueueTickConsumer consumer) {
        consumers.add(consumer);
        return () -> consumers.remove(consumer);
    }

    /** A timeline for a new stream (WHIP session) of {@code input}, on this queue's clock. */
    public InputTimeline newTimeline(RegisteredInput input) {
        return InputTimeline.forInput(input, clock, nanoClock);
    }

    /**
     * A new session of the input will bring these kinds (from its negotiated SDP). For a required input, ticks
     * are then held until the session's first media (with no limit, as from registration), and a kind that has
     * not arrived when the other one flows holds ticks up to the fallback timeout. Optional to call: without it
     * a later session's streams hold only once they flow.
     */
    public void expectMedia(String inputId, boolean video, boolean audio) {
        InputBuffer b = bufferFor(inputId);
        if (b != null) {
            b.expectMedia(video, audio);
            wake();
        }
    }

    /** Makes the thread look at the pipeline clock now (e.g. right after {@code /api/start}). */
    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Runs {@code action} on the queue's thread once every tick with PTS at or before {@code ptsNanos} (queue time,
     * after {@code /api/start}) has been produced: Smelter's {@code schedule_event}. Before the start it waits.
     * Returns false, and drops it, when the queue is already past that time (Smelter's default without
     * {@code run_late_scheduled_events}). {@link #discardScheduled()} drops every pending one.
     *
     * @param what names the request in log lines, e.g. {@code "input=cam1 unregister"}
     */
    public boolean schedule(long ptsNanos, String what, Runnable action) {
        long next = clock.started() && runStart == clock.startNanos() ? nextTickPts : 0;
        boolean accepted = scheduled.schedule(ptsNanos, next, what, action);
        wake();
        return accepted;
    }

    /** Drops every scheduled request ({@code /api/reset}); one running now is waited for, none runs after. */
    public void discardScheduled() {
        scheduled.discard();
    }

    /** Scheduled requests not run yet. */
    public int scheduledCount() {
        return scheduled.size();
    }

    // ---- InputMediaListener (decoding threads) ----

    @Override
    public void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos) {
        InputBuffer b = closed ? null : bufferFor(inputId);
        if (b == null) {
            frame.release();
            return;
        }
        List<VideoFrame> toRelease = new ArrayList<>(2);
        boolean newStream = b.addVideo(frame, queuePtsNanos, toRelease);
        if (closed) {
            b.discard(toRelease); // close() may have missed a buffer made while it ran
        }
        for (VideoFrame f : toRelease) {
            f.release();
        }
        afterMedia(newStream);
    }

    @Override
    public void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos) {
        InputBuffer b = closed ? null : bufferFor(inputId);
        if (b != null) {
            afterMedia(b.addAudio(batch, queuePtsNanos));
        }
    }

    @Override
    public void onTrackEnded(String inputId, boolean video) {
        InputBuffer b = buffers.get(inputId);
        if (b != null) {
            b.trackEnded(video);
            wake();
        }
    }

    private void afterMedia(boolean newStream) {
        if (waitingForMedia || newStream) {
            wake(); // a held tick may go now; DELIVERED goes out promptly
        }
    }

    private InputBuffer bufferFor(String inputId) {
        RegisteredInput input = registry.get(inputId).orElse(null);
        if (input == null) {
            return null;
        }
        InputBuffer b = buffers.get(inputId);
        if (b != null && b.input == input) {
            return b;
        }
        return buffers.compute(inputId, (id, old) -> {
            if (old != null && old.input == input) {
                return old;
            }
            if (old != null) {
                retired.add(old); // the id was registered again: the old input's streams end
            }
            return newBuffer(input);
        });
    }

    private InputBuffer newBuffer(RegisteredInput input) {
        return new InputBuffer(input, grid, framerate.tickNanos(), sampleRate, fallbackNanos);
    }

    // ---- the queue's thread ----

    private void run() {
        LOG.info("output queue ready: {}/{} fps, audio at {} Hz, fallback timeout {} ms", framerate.num(),
                framerate.den(), sampleRate, fallbackNanos / 1_000_000);
        while (!closed) {
            long now = nanoClock.getAsLong();
            long wakeAt;
            try {
                wakeAt = poll(now);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // a bug in a consumer must not stop the queue
                LOG.error("output queue: tick failed", e);
                wakeAt = now + IDLE_POLL_NANOS;
            }
            long sleep = wakeAt - nanoClock.getAsLong();
            if (sleep > 0 && !closed) {
                LockSupport.parkNanos(this, sleep);
            }
        }
    }

    /**
     * Does everything due at {@code now}: follows registrations, says what new streams arrived, and produces
     * every tick due (unless a required input holds it). Returns when to call again (earlier is harmless).
     * The queue's thread calls this; tests call it directly with a manual clock.
     */
    long poll(long now) {
        long wakeAt;
        List<ScheduledEvents.Due> requests;
        pollLock.lock();
        try {
            if (closed) {
                return now + IDLE_POLL_NANOS;
            }
            try {
                wakeAt = pollLocked(now);
            } finally {
                flush();
                requests = dueRequests;
                dueRequests = List.of();
            }
        } finally {
            pollLock.unlock();
        }
        scheduled.run(requests); // outside the lock: a request may unregister an input, which wakes this queue
        return wakeAt;
    }

    private long pollLocked(long now) {
        followRegistry();
        for (InputBuffer b : buffers.values()) {
            b.announce(out);
        }
        flush();
        if (!clock.started()) {
            if (runStart != NOT_RUNNING) {
                LOG.info("output queue stopped after {} ticks", ticks);
                runStart = NOT_RUNNING;
            }
            for (InputBuffer b : buffers.values()) {
                b.beforeStart(out, release);
            }
            waitingForMedia = false;
            return now + IDLE_POLL_NANOS;
        }
        long start = clock.startNanos();
        if (start != runStart) {
            runStart = start;
            nextTick = 0;
            nextTickHeld = false;
            ticks = 0;
            ticksHeld = 0;
            ticksSkipped = 0;
            lastTickPts = -1;
            nextTickPts = 0;
            LOG.info("output queue started");
        }
        while (true) {
            long pts = grid.pts(nextTick);
            nextTickPts = pts;
            dueRequests = scheduled.takeDue(pts);
            if (!dueRequests.isEmpty()) {
                waitingForMedia = false;
                return now; // run them (outside the lock), then go on from here
            }
            long due = start + pts;
            if (now - due < 0) {
                waitingForMedia = false;
                return due;
            }
            long endPts = grid.pts(nextTick + 1);
            long endSample = TickGrid.sampleIndex(endPts, sampleRate);
            long holdUntil = InputBuffer.NO_HOLD;
            for (InputBuffer b : buffers.values()) {
                holdUntil = Math.max(holdUntil, b.holdDeadline(pts, endSample, due, now, out));
            }
            flush();
            if (holdUntil != InputBuffer.NO_HOLD) {
                if (!nextTickHeld) {
                    nextTickHeld = true;
                    ticksHeld++;
                }
                waitingForMedia = true;
                return Math.min(holdUntil, now + HOLD_POLL_NANOS);
            }
            long firstMediaPts = Long.MIN_VALUE;
            for (InputBuffer b : buffers.values()) {
                firstMediaPts = Math.max(firstMediaPts, b.firstMediaPtsAfterHold());
            }
            if (firstMediaPts != Long.MIN_VALUE && pts < firstMediaPts) {
                // held for a required input's first media: the ticks before it would go out without it
                long to = Math.min(grid.firstAtOrAfter(firstMediaPts), grid.lastAtOrBefore(now - start) + 1);
                if (to > nextTick) {
                    skipTo(to);
                    continue;
                }
            }
            if (now - due > maxLagNanos) {
                long latest = grid.lastAtOrBefore(now - start);
                if (latest > nextTick) {
                    LOG.warn("output queue {} ms behind: skipping {} ticks", (now - due) / 1_000_000,
                            latest - nextTick);
                    skipTo(latest);
                    continue;
                }
            }
            produce(nextTick, pts, endPts, endSample, now - due);
            nextTick++;
            nextTickHeld = false;
        }
    }

    private void skipTo(long n) {
        ticksSkipped += n - nextTick;
        nextTick = n;
        nextTickHeld = false;
    }

    private void produce(long n, long pts, long endPts, long endSample, long lag) {
        long startSample = TickGrid.sampleIndex(pts, sampleRate);
        Map<String, VideoFrame> video = new HashMap<>();
        Map<String, AudioBatch> audio = new HashMap<>();
        for (InputBuffer b : buffers.values()) {
            VideoFrame f = b.videoForTick(pts, out, release);
            if (f != null) {
                video.put(b.id, f);
            }
            AudioBatch a = b.audioForTick(pts, startSample, endSample, out);
            if (a != null) {
                audio.put(b.id, a);
            }
        }
        flush();
        QueueTick tick = new QueueTick(n, pts, endPts - pts, video, audio);
        try {
            for (QueueTickConsumer c : consumers) {
                try {
                    c.onTick(tick);
                } catch (RuntimeException e) {
                    LOG.warn("tick consumer {} failed at tick {}: {}", c, n, e.toString(), e);
                }
            }
        } finally {
            for (VideoFrame f : video.values()) {
                f.release();
            }
        }
        for (InputBuffer b : buffers.values()) {
            b.afterTick(pts, endSample, out, release);
        }
        ticks = ticks + 1;
        lastTickPts = pts;
        lagNanos = lag;
    }

    private void followRegistry() {
        InputBuffer old;
        while ((old = retired.poll()) != null) {
            old.remove(out, release);
        }
        long version = registry.version();
        if (version == followedVersion) {
            return; // nothing registered or removed since the last look: don't walk every input each poll
        }
        Map<String, RegisteredInput> current = new HashMap<>();
        for (RegisteredInput input : registry.all()) {
            current.put(input.id(), input);
        }
        for (InputBuffer b : buffers.values()) {
            if (current.get(b.id) != b.input) {
                b.remove(out, release);
                buffers.remove(b.id, b);
            }
        }
        for (RegisteredInput input : current.values()) {
            bufferFor(input.id());
        }
        followedVersion = version;
        flush();
    }

    private void flush() {
        InputBuffer.emitAll(events, out);
        for (VideoFrame f : release) {
            f.release();
        }
        release.clear();
    }

    // ---- figures ----

    /** The queue's figures for one input, for {@code /stats}. */
    public Optional<InputQueueStats> inputStats(String inputId) {
        InputBuffer b = buffers.get(inputId);
        return b == null ? Optional.empty() : Optional.of(b.stats());
    }

    /** The figures of every input the queue holds, by id. */
    public Map<String, InputQueueStats> inputStats() {
        Map<String, InputQueueStats> m = new TreeMap<>();
        for (InputBuffer b : buffers.values()) {
            m.put(b.id, b.stats());
        }
        return m;
    }

    public QueueStats stats() {
        return new QueueStats(runStart != NOT_RUNNING && clock.started(), ticks, ticksHeld, ticksSkipped,
                lastTickPts, lagNanos);
    }

    /** Stops the thread and releases every buffered picture (no events); scheduled requests are dropped. */
    @Override
    public void close() {
        closed = true;
        scheduled.discard();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean locked = false;
        try {
            locked = pollLock.tryLock(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            LOG.warn("output queue: a tick consumer is stuck; its pictures are left to the garbage collector");
            return;
        }
        try {
            for (InputBuffer b : buffers.values()) {
                b.discard(release);
            }
            buffers.clear();
            InputBuffer r;
            while ((r = retired.poll()) != null) {
                r.discard(release);
            }
            for (VideoFrame f : release) {
                f.release();
            }
            release.clear();
            out.clear();
        } finally {
            pollLock.unlock();
        }
    }
}
