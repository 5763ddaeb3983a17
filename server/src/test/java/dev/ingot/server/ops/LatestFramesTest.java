package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingot.media.frame.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatestFramesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LatestFrames frames = new LatestFrames(now::get);

    private static VideoFrame frame(long pts) {
        return VideoFrame.ofRgba(2, 2, pts, ByteBuffer.allocate(16));
    }

    private static boolean released(VideoFrame f) {
        try {
            f.rgba();
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Test
    void withoutAnyoneAskingEveryFrameIsReleasedAtOnce() {
        VideoFrame f = frame(1);
        frames.onVideoFrame("cam", f, 1);
        assertThat(released(f)).isTrue();
        assertThat(frames.held()).isZero();
        assertThat(frames.latestFrame("cam")).isEmpty();
    }

    @Test
    void afterAnAskItKeepsTheNewestFrameAndReleasesTheOneBefore() {
        assertThat(frames.latestFrame("cam")).isEmpty(); // the ask that makes it keep frames
        VideoFrame first = frame(1);
        VideoFrame second = frame(2);
        frames.onVideoFrame("cam", first, 1);
        frames.onVideoFrame("cam", second, 2);
        assertThat(released(first)).isTrue();
        assertThat(released(second)).isFalse();
        VideoFrame got = frames.latestFrame("cam").orElseThrow();
        assertThat(got.ptsNanos()).isEqualTo(2);
        got.release(); // the caller's own reference: the held one stays alive
        assertThat(released(second)).isFalse();
        assertThat(frames.latestFrame("other")).isEmpty();
    }

    @Test
    void interestRunsOutAfterTenSeconds() {
        frames.latestFrame("cam");
        VideoFrame kept = frame(1);
        frames.onVideoFrame("cam", kept, 1);
        now.addAndGet(LatestFrames.INTEREST.plus(Duration.ofMillis(1)).toNanos());
        VideoFrame late = frame(2);
        frames.onVideoFrame("cam", late, 2);
        assertThat(released(late)).isTrue();
        assertThat(released(kept)).as("the held picture goes too").isTrue();
        assertThat(frames.held()).isZero();
    }

    @Test
    void trackEndForgetAndClearReleaseTheHeldFrame() {
        frames.latestFrame("a");
        frames.latestFrame("b");
        frames.latestFrame("c");
        VideoFrame a = frame(1);
        VideoFrame b = frame(1);
        VideoFrame c = frame(1);
        frames.onVideoFrame("a", a, 1);
        frames.onVideoFrame("b", b, 1);
        frames.onVideoFrame("c", c, 1);
        frames.onTrackEnded("a", false);
        assertThat(released(a)).as("audio ending keeps the picture").isFalse();
        frames.onTrackEnded("a", true);
        assertThat(released(a)).isTrue();
        frames.forget("b");
        assertThat(released(b)).isTrue();
        frames.clear();
        assertThat(released(c)).isTrue();
        assertThat(frames.held()).isZero();
    }

    @Test
    void aFrameHandedOutSurvivesItsReplacement() {
        frames.latestFrame("cam");
        VideoFrame first = frame(1);
        frames.onVideoFrame("cam", first, 1);
        VideoFrame got = frames.latestFrame("cam").orElseThrow();
        frames.onVideoFrame("cam", frame(2), 2);
        assertThat(got.rgba().remaining()).isEqualTo(16); // still usable: the caller holds a reference
        got.release();
        assertThatThrownBy(got::rgba).isInstanceOf(IllegalStateException.class);
    }
}
