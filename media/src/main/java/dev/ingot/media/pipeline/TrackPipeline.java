package dev.ingot.media.pipeline;

import dev.ingot.media.jitter.JitterBuffer;
import dev.ingot.media.payload.Depacketizer;
import dev.ingot.media.payload.EncodedFrame;
import dev.ingot.media.payload.RtpMedia;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One received track from RTP to decoded media: the network thread {@link #push pushes} packets into the
 * adaptive jitter buffer; the track's own platform thread releases them at their playout time, depacketizes
 * them into frames and hands each frame to the {@link FrameDecoder} (FFmpeg calls block, so they run here and
 * never on the network thread). Keyframe needs found on the way (a frame broken by loss, a decoder error) go to
 * {@link Signals}, which turns them into rate-limited PLIs.
 */
public final class TrackPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrackPipeline.class);
    private static final long MAX_WAIT_NANOS = 100_000_000L;

    /** Decodes frames on the track thread. */
    public interface FrameDecoder extends AutoCloseable {
        /** Decodes one frame whose media-timeline PTS is given; returns false when a keyframe is needed. */
        boolean decode(EncodedFrame frame, long ptsNanos);

        @Override
        void close();
    }

    /** Sees packets leave the jitter buffer and frames get their PTS (for statistics); called on the track thread. */
    public interface Observer {
        /** A packet left the jitter buffer at {@code nowNanos}, whose target delay was then {@code targetDelayNanos}. */
        void released(long rtpTimestamp, long nowNanos, long targetDelayNanos);

        /** A frame with this RTP timestamp goes to the decoder with this media-timeline PTS. */
        void framed(long rtpTimestamp, long mediaPtsNanos);
    }

    /** What the track tells the transport. */
    public interface Signals {
        void keyframeNeeded();

        void keyframeReceived();
    }

    private final String name;
    private final JitterBuffer jitter;
    private final Depacketizer depacketizer;
    private final FrameDecoder decoder;
    private final Signals signals;
    private final MediaTimeline timeline;
    private final int clockRate;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Observer observer;
    private volatile boolean draining;
    private long firstTimestamp = Long.MIN_VALUE;
    private long lastExtendedTimestamp;
    private long trackStartNanos;
    private volatile long framesOut;
    private volatile long framesFailed;
    private volatile long keyframesSeen;
    private int timelineTrack = -1;
    private long appliedCorrectionNanos;
    private static final long SLEW_NANOS_PER_FRAME = 1_000_000L;

    public TrackPipeline(String name, JitterBuffer jitter, Depacketizer depacketizer, FrameDecoder decoder,
            Signals signals, MediaTimeline timeline, int clockRate, LongSupplier clock) {
        this.name = name;
        this.jitter = jitter;
        this.depacketizer = depacketizer;
        this.decoder = decoder;
        this.signals = signals;
        this.timeline = timeline;
        this.clockRate = clockRate;
        this.clock = clock;
        this.thread = Thread.ofPlatform().daemon().name("track-" + name).start(this::run);
    }

    /** Called on the network thread for each packet (RTX already unwrapped). */
    public void push(RtpMedia packet) {
        lock.lock();
        try {
            if (!closed) {
                jitter.push(packet);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A retransmission arrived this late after its NACK: the jitter buffer makes room for such delays. */
    public void onRetransmissionDelay(long delayNanos) {
        lock.lock();
        try {
            jitter.onRetransmissionDelay(delayNanos, clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<EncodedFrame> frames = new ArrayList<>();
        while (!closed || draining) {
            boolean keyframeNeeded;
            boolean last = draining;
            lock.lock();
            try {
                // when the session ends, what is buffered still plays out: nothing received is thrown away
                long now = last ? Long.MAX_VALUE / 4 : clock.getAsLong();
                RtpMedia p;
                Observer o = last ? null : observer;
                long target = o == null ? 0 : jitter.targetDelayNanos(now);
                while ((p = jitter.pop(now)) != null) {
                    if (o != null) {
                        o.released(p.timestamp(), now, target);
                    }
                    depacketizer.push(p, frames::add);
                }
                keyframeNeeded = !last && depacketizer.needsKeyframe();
                if (frames.isEmpty() && !keyframeNeeded && !last) {
                    long wait = Math.min(Math.max(jitter.nextDeadline(now) - now, 0), MAX_WAIT_NANOS);
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                if (!draining) {
                    return;
                }
                continue;
            } finally {
                lock.unlock();
            }
            if (keyframeNeeded) {
                signals.keyframeNeeded();
            }
            for (EncodedFrame f : frames) {
                decodeOne(f);
            }
            frames.clear();
            if (last) {
                draining = false;
                return;
            }
            if (keyframeNeeded && !closed) {
                // the depacketizer keeps asking until a keyframe arrives: don't spin, the PLI is rate-limited anyway
                try {
                    TimeUnit.MILLISECONDS.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void decodeOne(EncodedFrame f) {
        if (f.keyframe()) {
            keyframesSeen++;
            signals.keyframeReceived();
        }
        long pts = ptsOf(f);
        Observer o = observer;
        if (o != null) {
            o.framed(f.rtpTimestamp(), pts);
        }
        boolean ok;
        try {
            ok = decoder.decode(f, pts);
        } catch (RuntimeException e) {
            LOG.warn("{}: decoder failed: {}", name, e.toString());
            ok = false;
        }
        if (ok) {
            framesOut++;
        } else {
            framesFailed++;
            signals.keyframeNeeded();
        }
    }

    /** Sets what sees this track's packets and frames (one at a time; null for none). */
    public void observe(Observer o) {
        this.observer = o;
    }

    /** Which track of the shared timeline this is ({@link MediaTimeline#AUDIO} or VIDEO); -1 for none. */
    public TrackPipeline timelineTrack(int track) {
        this.timelineTrack = track;
        return this;
    }

    /** Media-timeline PTS: the track's RTP clock, unwrapped, anchored on the input's shared timeline. */
    private long ptsOf(EncodedFrame f) {
        long ts = f.rtpTimestamp();
        if (firstTimestamp == Long.MIN_VALUE) {
            firstTimestamp = ts;
            lastExtendedTimestamp = ts;
            trackStartNanos = timeline.anchor(f.firstArrivalNanos());
            if (timelineTrack >= 0) {
                timeline.trackStarted(timelineTrack, ts, clockRate, trackStartNanos);
            }
        }
        long delta = (int) (ts - lastExtendedTimestamp);
        lastExtendedTimestamp += delta;
        long elapsed = Math.multiplyExact(lastExtendedTimestamp - firstTimestamp, 1_000_000_000L) / clockRate;
        if (timelineTrack == MediaTimeline.VIDEO) {
            // A/V sync by sender reports, slewed in so PTS keep rising
            long wanted = timeline.videoCorrectionNanos();
            long step = Math.max(-SLEW_NANOS_PER_FRAME, Math.min(SLEW_NANOS_PER_FRAME, wanted - appliedCorrectionNanos));
            appliedCorrectionNanos += step;
        }
        return trackStartNanos + elapsed + appliedCorrectionNanos;
    }

    public long framesOut() {
        return framesOut;
    }

    public long framesFailed() {
        return framesFailed;
    }

    public long keyframesSeen() {
        return keyframesSeen;
    }

    /** Current jitter buffer target delay, for stats. */
    public long jitterTargetNanos() {
        lock.lock();
        try {
            return jitter.targetDelayNanos(clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    public dev.ingot.media.jitter.JitterBufferStats jitterStats() {
        lock.lock();
        try {
            return jitter.stats(clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    public dev.ingot.media.payload.DepacketizerStats depacketizerStats() {
        lock.lock();
        try {
            return depacketizer.stats();
        } finally {
            lock.unlock();
        }
    }

    public long bufferedNanos() {
        lock.lock();
        try {
            return jitter.bufferedNanos();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the track: what the jitter buffer holds is decoded first (bounded wait), then the decoder closes. */
    @Override
    public void close() {
        lock.lock();
        try {
            draining = true;
            closed = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        decoder.close();
    }
}
