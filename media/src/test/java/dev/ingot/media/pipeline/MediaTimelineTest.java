package dev.ingot.media.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaTimelineTest {
    private static final long MS = 1_000_000L;

    /** 64-bit NTP for a time in nanoseconds since the NTP epoch. */
    private static long ntp(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        long fraction = ((nanos % 1_000_000_000L) << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    @Test
    void tracksArriveTogetherButWereCapturedApartSoVideoMovesByTheCaptureGap() {
        MediaTimeline t = new MediaTimeline();
        long base = 3_900_000_000L * 1_000_000_000L;
        // both first frames arrive at the same moment, but video was captured 120 ms after audio
        t.trackStarted(MediaTimeline.AUDIO, 1000, 48_000, t.anchor(5_000 * MS));
        t.trackStarted(MediaTimeline.VIDEO, 90_000, 90_000, t.anchor(5_000 * MS));
        assertThat(t.videoCorrectionNanos()).isZero();
        // audio: RTP 1000 at sender time base; video: RTP 90000 at base + 120 ms
        assertThat(t.senderReport(MediaTimeline.AUDIO, ntp(base + 480 * MS), 1000 + 48 * 480)).isTrue();
        assertThat(t.videoCorrectionNanos()).isZero();
        assertThat(t.senderReport(MediaTimeline.VIDEO, ntp(base + 120 * MS + 1000 * MS), 90_000 + 90_000)).isTrue();
        assertThat(t.videoCorrectionNanos()).isCloseTo(120 * MS, org.assertj.core.data.Offset.offset(MS / 10));
    }

    @Test
    void rtpTimestampWrapDoesNotBreakTheMapping() {
        MediaTimeline t = new MediaTimeline();
        long base = 3_900_000_000L * 1_000_000_000L;
        t.trackStarted(MediaTimeline.AUDIO, 0xFFFF_FF00L, 48_000, t.anchor(0));
        t.trackStarted(MediaTimeline.VIDEO, 0xFFFF_FFF0L, 90_000, t.anchor(0));
        t.senderReport(MediaTimeline.AUDIO, ntp(base + 10 * MS), (0xFFFF_FF00L + 480) & 0xFFFF_FFFFL);
        t.senderReport(MediaTimeline.VIDEO, ntp(base + 10 * MS), (0xFFFF_FFF0L + 900) & 0xFFFF_FFFFL);
        assertThat(t.videoCorrectionNanos()).isCloseTo(0, org.assertj.core.data.Offset.offset(MS / 10));
    }

    @Test
    void bogusReportsAreIgnored() {
        MediaTimeline t = new MediaTimeline();
        t.trackStarted(MediaTimeline.AUDIO, 0, 48_000, t.anchor(0));
        t.trackStarted(MediaTimeline.VIDEO, 0, 90_000, t.anchor(0));
        assertThat(t.senderReport(MediaTimeline.AUDIO, 0xFFFF_FFFF_FFFF_FFFFL, 0)).isFalse();
        assertThat(t.senderReport(MediaTimeline.VIDEO, 0, 0)).isFalse();
        assertThat(t.videoCorrectionNanos()).isZero();
        // reports that would move video by more than 2 s are not believed
        long base = 3_900_000_000L * 1_000_000_000L;
        t.senderReport(MediaTimeline.AUDIO, ntp(base), 0);
        t.senderReport(MediaTimeline.VIDEO, ntp(base + 30_000 * MS), 0);
        assertThat(t.videoCorrectionNanos()).isZero();
    }
}
