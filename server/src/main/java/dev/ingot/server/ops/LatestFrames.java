package dev.ingot.server.ops;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.pipeline.InputMediaListener;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Keeps the newest decoded picture of each input for the dashboard's thumbnails. Fed as one more
 * {@link InputMediaListener} of the decoding pipeline; it holds at most one frame per input, and only while
 * someone asked for that input's thumbnail recently ({@link #INTEREST}): with no dashboard open, every frame is
 * released at once and no decoder buffer is kept alive.
 */
public final class LatestFrames implements InputMediaListener, ThumbnailSource {
    /** How long one thumbnail request keeps frames of its input coming. */
    public static final Duration INTEREST = Duration.ofSeconds(10);

    private final ConcurrentMap<String, VideoFrame> frames = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> askedAtNanos = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public LatestFrames() {
        this(System::nanoTime);
    }

    /** With a clock for tests. */
    public LatestFrames(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos) {
        Long asked = askedAtNanos.get(inputId);
        if (asked == null || nanoClock.getAsLong() - asked > INTEREST.toNanos()) {
            frame.release();
            drop(inputId);
            return;
        }
        VideoFrame[] previous = new VideoFrame[1];
        frames.compute(inputId, (id, old) -> {
            previous[0] = old;
            return frame;
        });
        if (previous[0] != null) {
            previous[0].release();
        }
    }

    @Override
    public void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos) {
        // thumbnails are pictures only
    }

    @Override
    public void onTrackEnded(String inputId, boolean video) {
        if (video) {
            drop(inputId);
        }
    }

    @Override
    public Optional<VideoFrame> latestFrame(String inputId) {
        askedAtNanos.put(inputId, nanoClock.getAsLong());
        VideoFrame[] out = new VideoFrame[1];
        // retained inside compute: a concurrent replacement cannot release it between lookup and retain
        frames.computeIfPresent(inputId, (id, f) -> {
            out[0] = f.retain();
            return f;
        });
        return Optional.ofNullable(out[0]);
    }

    /** Lets go of an input's picture and interest (on unregister). */
    public void forget(String inputId) {
        askedAtNanos.remove(inputId);
        drop(inputId);
    }

    /** Releases every held picture (shutdown). */
    public void clear() {
        askedAtNanos.clear();
        for (String id : frames.keySet()) {
            drop(id);
        }
    }

    /** How many pictures are held now (tests, metrics). */
    public int held() {
        return frames.size();
    }

    private void drop(String inputId) {
        VideoFrame old = frames.remove(inputId);
        if (old != null) {
            old.release();
        }
    }
}
