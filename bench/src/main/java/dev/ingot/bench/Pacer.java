package dev.ingot.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends every connected publisher's media at real time on one thread: a video frame every 1/30 s (RTP clock
 * 90 kHz, all of a frame's packets back to back) and an Opus packet every 20 ms (48 kHz clock), looping the
 * cached files, with a consent-freshness binding request every 2 s.
 */
public final class Pacer implements AutoCloseable {
    private static final long FRAME_NANOS = 1_000_000_000L / Media.FPS;
    private static final long CONSENT_NANOS = 2_000_000_000L;
    /** Further behind than this and the pacer skips ahead instead of bursting to catch up. */
    private static final long MAX_CATCH_UP_NANOS = 500_000_000L;

    private final Media media;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Frames (video) and packets (audio) skipped because the pacer was starved of CPU. */
    public volatile long skipped;
    /** The worst lateness seen, in nanoseconds. */
    public volatile long maxLateNanos;

    private final class Stream {
        final WhipPublisher pub;
        final long start;
        final long videoTs0;
        final long audioTs0;
        long frame;
        long nextVideo;
        long audioIndex;
        long audioTs;
        long nextAudio;
        long lastConsent;

        Stream(WhipPublisher pub, long now, long rnd) {
            this.pub = pub;
            this.start = now;
            this.videoTs0 = rnd & 0xFFFF_FFFFL;
            this.audioTs0 = (rnd >>> 32) & 0xFFFF_FFFFL;
            this.nextVideo = now;
            this.nextAudio = now;
            this.lastConsent = now;
        }
    }

    public Pacer(Media media) {
        this.media = media;
        this.thread = Thread.ofPlatform().daemon().name("bench-pacer").start(this::loop);
    }

    /** Starts sending for a connected publisher, from the first (IDR) frame. */
    public void add(WhipPublisher pub) {
        streams.add(new Stream(pub, System.nanoTime(), new java.util.Random().nextLong()));
        LockSupport.unpark(thread);
    }

    public void remove(WhipPublisher pub) {
        streams.removeIf(s -> s.pub == pub);
    }

    private void loop() {
        while (running) {
            long now = System.nanoTime();
            long next = now + 100_000_000L;
            for (Stream s : streams) {
                next = Math.min(next, step(s, now));
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Sends what is due for one stream; returns when it next has something due. */
    private long step(Stream s, long now) {
        int frames = media.frameCount();
        while (s.nextVideo <= now) {
            long late = now - s.nextVideo;
            maxLateNanos = Math.max(maxLateNanos, late);
            if (late > MAX_CATCH_UP_NANOS) {
                long skip = late / FRAME_NANOS;
                s.frame += skip;
                skipped += skip;
                s.nextVideo = s.start + s.frame * FRAME_NANOS;
                continue;
            }
            List<byte[]> packets = media.videoFrames.get((int) (s.frame % frames));
            long ts = s.videoTs0 + s.frame * (90_000 / Media.FPS);
            for (int i = 0; i < packets.size(); i++) {
                s.pub.sendRtp(true, packets.get(i), ts, i == packets.size() - 1);
            }
            s.frame++;
            s.nextVideo = s.start + s.frame * FRAME_NANOS;
        }
        int n = media.audioPackets.size();
        while (s.nextAudio <= now) {
            int i = (int) (s.audioIndex % n);
            int samples = media.audioSamples[i];
            if (now - s.nextAudio > MAX_CATCH_UP_NANOS) {
                skipped++;
            } else {
                s.pub.sendRtp(false, media.audioPackets.get(i), s.audioTs0 + s.audioTs, false);
            }
            s.audioIndex++;
            s.audioTs += samples;
            s.nextAudio = s.start + s.audioTs * 1_000_000_000L / 48_000;
        }
        if (now - s.lastConsent >= CONSENT_NANOS) {
            s.pub.sendBindingRequest();
            s.lastConsent = now;
        }
        return Math.min(s.nextVideo, Math.min(s.nextAudio, s.lastConsent + CONSENT_NANOS));
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
