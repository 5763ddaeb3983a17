package dev.ingot.server.queue;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.events.ServerEvents;
import dev.ingot.server.events.ServerEvents.Event;
import dev.ingot.server.events.ServerEvents.Type;
import dev.ingot.server.input.RegisteredInput;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One input's decoded media waiting for the output queue, ordered by queue PTS, and the state of its video and
 * audio streams (Smelter's {@code VideoQueueInput}/{@code AudioQueueInput} with their receivers).
 *
 * <p>The decoding threads only add (under this object's lock, a few list operations); the queue's thread takes
 * what a tick needs, trims what no tick will need, and decides the events. Bounded: a picture that no tick can
 * show (the next one arrives before the next tick's PTS) is dropped on arrival, so at most about one picture per
 * tick interval is held, over a window of the fallback timeout plus the input's delay and offset plus a second;
 * audio keeps the same window. Everything dropped or left over is released.
 *
 * <p>Methods taking {@code out} add the events they decide to it; the caller emits them after leaving the lock.
 * Methods taking {@code release} add the pictures to release to it; the caller releases them after the lock.
 */
final class InputBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(InputBuffer.class);
    /** Returned by {@link #holdDeadline}: the input does not hold the tick. */
    static final long NO_HOLD = Long.MIN_VALUE;
    /** Returned by {@link #holdDeadline}: the input holds the tick until its first media, however long. */
    static final long HOLD_UNTIL_MEDIA = Long.MAX_VALUE;

    final RegisteredInput input;
    final String id;
    final boolean required;
    private final TickGrid grid;
    private final int sampleRate;
    private final long fallbackNanos;
    private final long windowNanos;
    private final int maxFrames;
    private final int maxBatches;

    // All below guarded by this.
    private boolean removed;
    private boolean awaitingFirstMedia = true;
    private boolean heldForFirstMedia;
    private final Track video = new Track(Type.VIDEO_INPUT_DELIVERED, Type.VIDEO_INPUT_PLAYING,
            Type.VIDEO_INPUT_PAUSED, Type.VIDEO_INPUT_EOS);
    private final Track audio = new Track(Type.AUDIO_INPUT_DELIVERED, Type.AUDIO_INPUT_PLAYING,
            Type.AUDIO_INPUT_PAUSED, Type.AUDIO_INPUT_EOS);
    private final ArrayList<VideoEntry> frames = new ArrayList<>();
    private final ArrayList<AudioEntry> batches = new ArrayList<>();
    private boolean warnedSampleRate;

    InputBuffer(RegisteredInput input, TickGrid grid, long tickNanos, int sampleRate, long fallbackNanos) {
        this.input = input;
        this.id = input.id();
        this.required = input.spec().required();
        this.grid = grid;
        this.sampleRate = sampleRate;
        this.fallbackNanos = fallbackNanos;
        long shift = Math.round(input.spec().sideChannel().delayMs() * 1_000_000)
                + Math.round(input.spec().offsetMs().orElse(0.0) * 1_000_000);
        this.windowNanos = Math.max(fallbackNanos, 1_000_000_000L) + shift + 1_000_000_000L;
        this.maxFrames = (int) Math.min(100_000, windowNanos / Math.max(1, tickNanos) + 4);
        this.maxBatches = (int) Math.min(100_000, windowNanos / 2_500_000L + 4); // Opus frames are >= 2.5 ms
    }

    /** One kind of media of the input: its current stream's number and what has been said about it. */
    private static final class Track {
        final Type delivered;
        final Type playing;
        final Type paused;
        final Type eos;
        // set by the decoding side
        int gen; // stream number; 0 = none yet
        boolean ended; // the current stream ended (draining)
        boolean expected; // a session announced this kind and it has not arrived yet
        boolean stalled; // no new media for too long; cleared by new media
        long newest = Long.MIN_VALUE; // video: newest PTS; audio: newest end PTS
        long newestEndSample = Long.MIN_VALUE; // audio only
        long deliveredCount;
        long consumedCount;
        long droppedCount;
        // set by the queue thread
        int announcedGen;
        int eosGen;
        boolean isPlaying;
        boolean isPaused;

        Track(Type delivered, Type playing, Type paused, Type eos) {
            this.delivered = delivered;
            this.playing = playing;
            this.paused = paused;
            this.eos = eos;
        }

        boolean open() {
            return gen > 0 && !ended;
        }

        boolean live() {
            return gen > 0 && eosGen < gen;
        }

        String state() {
            if (gen == 0 || eosGen == gen) {
                return gen == 0 ? "idle" : "ended";
            }
            if (ended) {
                return "ended";
            }
            return isPaused ? "paused" : isPlaying ? "playing" : "delivered";
        }
    }

    private static final class VideoEntry {
        final VideoFrame frame;
        final long pts;
        boolean consumed;

        VideoEntry(VideoFrame frame, long pts) {
            this.frame = frame;
            this.pts = pts;
        }
    }

    private static final class AudioEntry {
        final AudioBatch batch;
        final long startSample;
        final long endSample;
        boolean consumed;

        AudioEntry(AudioBatch batch, long startSample) {
            this.batch = batch;
            this.startSample = startSample;
            this.endSample = startSample + batch.samplesPerChannel();
        }
    }

    // ---- decoding side ----

    /** Takes over the caller's reference to {@code frame}. Returns whether it began a new stream. */
    synchronized boolean addVideo(VideoFrame frame, long pts, List<VideoFrame> release) {
        if (removed) {
            release.add(frame);
            return false;
        }
        boolean begins = !video.open();
        if (begins) {
            for (VideoEntry e : frames) {
                drop(e, release);
            }
            frames.clear();
            startStream(video);
        }
        mediaArrived(video);
        video.newest = Math.max(video.newest, pts);
        VideoEntry entry = new VideoEntry(frame, pts);
        int n = frames.size();
        if (n == 0 || frames.get(n - 1).pts <= pts) {
            if (n > 0 && !grid.anyTickIn(frames.get(n - 1).pts, pts)) {
                drop(frames.remove(n - 1), release); // no tick falls between it and the new one: never shown
            }
            frames.add(entry);
        } else {
            int i = n - 1;
            while (i > 0 && frames.get(i - 1).pts > pts) {
                i--;
            }
            frames.add(i, entry);
        }
        while (frames.size() > maxFrames
                || (frames.size() > 1 && frames.get(frames.size() - 1).pts - frames.get(0).pts > windowNanos)) {
            drop(frames.remove(0), release);
        }
        return begins;
    }

    /** Returns whether it began a new stream. */
    synchronized boolean addAudio(AudioBatch batch, long pts) {
        if (removed) {
            return false;
        }
        boolean begins = !audio.open();
        if (begins) {
            for (AudioEntry e : batches) {
                drop(e);
            }
            batches.clear();
            startStream(audio);
        }
        mediaArrived(audio);
        if (batch.sampleRate() != sampleRate || batch.samplesPerChannel() == 0) {
            if (batch.sampleRate() != sampleRate && !warnedSampleRate) {
                warnedSampleRate = true;
                LOG.warn(
                        "input={} audio at {} Hz, the queue mixes at {} Hz: dropping it", id, batch.sampleRate(),
                        sampleRate);
            }
            audio.droppedCount++;
            return begins;
        }
        AudioEntry entry = new AudioEntry(batch, TickGrid.sampleIndex(pts, sampleRate));
        audio.newest = Math.max(audio.newest, pts + batch.durationNanos());
        audio.newestEndSample = Math.max(audio.newestEndSample, entry.endSample);
        int i = batches.size();
        while (i > 0 && batches.get(i - 1).startSample > entry.startSample) {
            i--;
        }
        batches.add(i, entry);
        long windowSamples = TickGrid.sampleIndex(windowNanos, sampleRate);
        while (batches.size() > maxBatches || (batches.size() > 1
                && batches.get(batches.size() - 1).endSample - batches.get(0).startSample > windowSamples)) {
            drop(batches.remove(0));
        }
        return begins;
    }

    private void startStream(Track t) {
        t.gen++;
        t.ended = false;
        t.newest = Long.MIN_VALUE;
        t.newestEndSample = Long.MIN_VALUE;
    }

    private void mediaArrived(Track t) {
        t.deliveredCount++;
        t.expected = false;
        t.stalled = false;
        awaitingFirstMedia = false;
    }

    synchronized void trackEnded(boolean isVideo) {
        Track t = isVideo ? video : audio;
        t.expected = false;
        if (t.open()) {
            t.ended = true;
        }
    }

    /** A new session will bring these kinds: a required input holds ticks until its first media again. */
    synchronized void expectMedia(boolean withVideo, boolean withAudio) {
        if (removed) {
            return;
        }
        video.expected = withVideo && !video.open();
        audio.expected = withAudio && !audio.open();
        if ((withVideo || withAudio) && !video.open() && !audio.open()) {
            awaitingFirstMedia = true;
        }
    }

    // ---- queue side ----

    synchronized boolean removed() {
        return removed;
    }

    /** Emits DELIVERED for streams that arrived since the last call (and EOS for ones they replaced). */
    synchronized void announce(List<Event> out) {
        announce(video, out);
        announce(audio, out);
    }

    private void announce(Track t, List<Event> out) {
        if (t.gen > t.announcedGen) {
            if (t.announcedGen > t.eosGen) {
                out.add(new Event(t.eos, id)); // a stream replaced before its EOS was said
                t.eosGen = t.announcedGen;
            }
            out.add(new Event(t.delivered, id));
            t.announcedGen = t.gen;
            t.isPlaying = false;
            t.isPaused = false;
        }
    }

    private void finish(Track t, List<Event> out) {
        announce(t, out);
        if (t.live()) {
            out.add(new Event(t.eos, id));
            t.eosGen = t.gen;
            t.ended = true;
            t.isPlaying = false;
            t.isPaused = false;
        }
    }

    /** Before the start: ended streams end now, and no audio is kept (it would be in the past). */
    synchronized void beforeStart(List<Event> out, List<VideoFrame> release) {
        announce(out);
        if (video.ended && video.live()) {
            releaseVideo(release);
            finish(video, out);
        }
        for (AudioEntry e : batches) {
            drop(e);
        }
        batches.clear();
        if (audio.ended && audio.live()) {
            finish(audio, out);
        }
    }

    /**
     * Whether this input holds the tick at {@code pts} (audio up to sample {@code endSample}) due at
     * {@code dueNanos}: {@link #NO_HOLD}, {@link #HOLD_UNTIL_MEDIA}, or the instant the hold gives up. When
     * {@code now} has reached that instant, the late kinds are marked stalled (PAUSED) and it no longer holds.
     */
    synchronized long holdDeadline(long pts, long endSample, long dueNanos, long now, List<Event> out) {
        if (!required || removed) {
            return NO_HOLD;
        }
        announce(out);
        if (awaitingFirstMedia) {
            heldForFirstMedia = true;
            return HOLD_UNTIL_MEDIA;
        }
        boolean videoLate = late(video, video.newest < pts);
        boolean audioLate = late(audio, audio.newestEndSample < endSample);
        if (!videoLate && !audioLate) {
            return NO_HOLD;
        }
        long until = dueNanos + fallbackNanos;
        if (now - until < 0) {
            return until;
        }
        if (videoLate) {
            stall(video, out);
        }
        if (audioLate) {
            stall(audio, out);
        }
        return NO_HOLD;
    }

    private static boolean late(Track t, boolean behind) {
        if (t.stalled) {
            return false;
        }
        return (t.open() && behind) || (t.expected && !t.open());
    }

    private void stall(Track t, List<Event> out) {
        t.stalled = true;
        if (t.isPlaying && !t.isPaused) {
            out.add(new Event(t.paused, id));
            t.isPaused = true;
            t.isPlaying = false;
        }
    }

    /**
     * After a hold for this input's first media ended: the PTS of that media (ticks before it would go out
     * without the input they waited for), or {@link Long#MIN_VALUE}.
     */
    synchronized long firstMediaPtsAfterHold() {
        if (!heldForFirstMedia || awaitingFirstMedia) {
            return Long.MIN_VALUE;
        }
        heldForFirstMedia = false;
        long first = Long.MAX_VALUE;
        if (!frames.isEmpty()) {
            first = Math.min(first, frames.get(0).pts);
        }
        if (!batches.isEmpty()) {
            first = Math.min(first, TickGrid.sampleNanos(batches.get(0).startSample, sampleRate));
        }
        return first == Long.MAX_VALUE ? Long.MIN_VALUE : first;
    }

    /**
     * The picture for the tick at {@code pts}: the newest one at or before it, retained for the tick (the caller
     * releases it), or null. Older pictures are released. A picture older than the fallback timeout is not shown
     * (Smelter's renderer shows the input's fallback then).
     */
    synchronized VideoFrame videoForTick(long pts, List<Event> out, List<VideoFrame> release) {
        if (removed) {
            return null;
        }
        announce(video, out);
        if (!video.live() || frames.isEmpty()) {
            return null;
        }
        int k = -1;
        for (int i = 0; i < frames.size() && frames.get(i).pts <= pts; i++) {
            k = i;
        }
        if (k < 0) {
            return null;
        }
        for (int i = 0; i < k; i++) {
            drop(frames.get(i), release);
        }
        frames.subList(0, k).clear();
        VideoEntry e = frames.get(0);
        if (pts - e.pts > fallbackNanos) {
            return null;
        }
        if (!e.consumed) {
            e.consumed = true;
            video.consumedCount++;
        }
        markPlaying(video, out);
        return e.frame.retain();
    }

    /** This input's samples of {@code [startSample, endSample)} as one batch at {@code tickPts}, or null. */
    synchronized AudioBatch audioForTick(long tickPts, long startSample, long endSample, List<Event> out) {
        if (removed) {
            return null;
        }
        announce(audio, out);
        if (!audio.live() || batches.isEmpty()) {
            return null;
        }
        int n = (int) (endSample - startSample);
        double[] samples = null;
        int channels = 0;
        for (int i = 0; i < batches.size(); ) {
            AudioEntry e = batches.get(i);
            if (e.endSample <= startSample) {
                drop(batches.remove(i));
                continue;
            }
            if (e.startSample >= endSample) {
                break;
            }
            if (samples == null) {
                channels = e.batch.channels();
                samples = new double[n * channels];
            }
            copy(e, startSample, endSample, samples, channels);
            if (!e.consumed) {
                e.consumed = true;
                audio.consumedCount++;
            }
            if (e.endSample <= endSample) {
                batches.remove(i);
            } else {
                i++;
            }
        }
        if (samples == null) {
            return null;
        }
        markPlaying(audio, out);
        return new AudioBatch(samples, sampleRate, channels, tickPts, n);
    }

    private static void copy(AudioEntry e, long from, long to, double[] dst, int dstChannels) {
        AudioBatch b = e.batch;
        int srcChannels = b.channels();
        long first = Math.max(from, e.startSample);
        long last = Math.min(to, e.endSample);
        double[] src = b.samples();
        for (long s = first; s < last; s++) {
            int si = (int) (s - e.startSample) * srcChannels;
            int di = (int) (s - from) * dstChannels;
            if (srcChannels == dstChannels) {
                System.arraycopy(src, si, dst, di, dstChannels);
            } else if (srcChannels == 1) {
                dst[di] = src[si];
                dst[di + 1] = src[si];
            } else {
                dst[di] = (src[si] + src[si + 1]) / 2;
            }
        }
    }

    private void markPlaying(Track t, List<Event> out) {
        if (!t.isPlaying && !t.stalled) {
            out.add(new Event(t.playing, id));
            t.isPlaying = true;
            t.isPaused = false;
        }
    }

    /**
     * After the tick at {@code pts}: a stream with no media for longer than the fallback timeout is stalled
     * (PAUSED); an ended stream whose last media went out ends (EOS).
     */
    synchronized void afterTick(long pts, long endSample, List<Event> out, List<VideoFrame> release) {
        if (removed) {
            return;
        }
        if (video.open() && !video.stalled && video.newest != Long.MIN_VALUE && pts - video.newest > fallbackNanos) {
            stall(video, out);
        }
        if (audio.open() && !audio.stalled && audio.newest != Long.MIN_VALUE && pts - audio.newest > fallbackNanos) {
            stall(audio, out);
        }
        if (video.ended && video.live() && (frames.isEmpty() || frames.get(frames.size() - 1).pts <= pts)) {
            releaseVideo(release);
            finish(video, out);
        }
        if (audio.ended && audio.live()
                && (batches.isEmpty() || batches.get(batches.size() - 1).endSample <= endSample)) {
            for (AudioEntry e : batches) {
                drop(e);
            }
            batches.clear();
            finish(audio, out);
        }
    }

    /** The input is gone: EOS for its live streams, everything released. Later additions are released at once. */
    synchronized void remove(List<Event> out, List<VideoFrame> release) {
        if (removed) {
            return;
        }
        releaseVideo(release);
        for (AudioEntry e : batches) {
            drop(e);
        }
        batches.clear();
        finish(video, out);
        finish(audio, out);
        removed = true;
    }

    /** The queue is closing: release everything, say nothing. */
    synchronized void discard(List<VideoFrame> release) {
        releaseVideo(release);
        batches.clear();
        removed = true;
    }

    private void releaseVideo(List<VideoFrame> release) {
        for (VideoEntry e : frames) {
            drop(e, release);
        }
        frames.clear();
    }

    private void drop(VideoEntry e, List<VideoFrame> release) {
        release.add(e.frame);
        if (!e.consumed) {
            video.droppedCount++;
        }
    }

    private void drop(AudioEntry e) {
        if (!e.consumed) {
            audio.droppedCount++;
        }
    }

    synchronized InputQueueStats stats() {
        int videoPending = 0;
        for (VideoEntry e : frames) {
            videoPending += e.consumed ? 0 : 1;
        }
        int audioPending = 0;
        for (AudioEntry e : batches) {
            audioPending += e.consumed ? 0 : 1;
        }
        return new InputQueueStats(required,
                new InputQueueStats.TrackStats(video.deliveredCount, video.consumedCount, video.droppedCount,
                        videoPending, video.state()),
                new InputQueueStats.TrackStats(audio.deliveredCount, audio.consumedCount, audio.droppedCount,
                        audioPending, audio.state()));
    }

    static void emitAll(ServerEvents events, List<Event> out) {
        for (Event e : out) {
            events.emit(e);
        }
        out.clear();
    }
}
