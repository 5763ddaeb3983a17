package dev.ingot.server.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The jitter-buffer figures from a few calls with known times: a 90 kHz track whose media the queue needs 100 ms
 * after the media PTS, packets arriving 10 ms after their media time and leaving the buffer 60 ms after that.
 */
class BufferFiguresTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 7_000_000 * MS;

    private static Map<String, Object> json(BufferFigures f, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        f.putJson(m, now);
        return m;
    }

    @Test
    void effectiveBufferIsTheTimeLeftUntilTheQueueNeedsThePacketAtArrivalAndAtRelease() {
        BufferFigures f = new BufferFigures();
        f.newStream(90_000, mediaPts -> T0 + mediaPts + 100 * MS);
        long ts0 = 0xFFFF_F000L; // the RTP timestamp wraps during the run
        for (int i = 0; i < 90; i++) {
            long ts = (ts0 + 3000L * i) & 0xFFFF_FFFFL;
            long media = i * 100 * MS / 3; // 30 fps
            long arrival = T0 + media + 10 * MS;
            f.written(ts, arrival);
            f.released(ts, arrival + 60 * MS, (80 + i % 3) * MS);
            f.framed(ts, media);
        }
        Map<String, Object> m = json(f, T0 + 3_100 * MS);
        // the first packet came before any frame tied RTP time to media time: no effective-buffer sample for it
        assertThat((double) m.get("effective_buffer_on_write_avg_seconds")).isCloseTo(0.090, within());
        assertThat((double) m.get("effective_buffer_on_write_min_seconds")).isCloseTo(0.090, within());
        assertThat((double) m.get("effective_buffer_on_write_max_seconds")).isCloseTo(0.090, within());
        assertThat((double) m.get("effective_buffer_on_pop_avg_seconds")).isCloseTo(0.030, within());
        assertThat((double) m.get("input_buffer_min_seconds")).isEqualTo(0.080);
        assertThat((double) m.get("input_buffer_max_seconds")).isEqualTo(0.082);
        assertThat((double) m.get("input_buffer_avg_seconds")).isCloseTo(0.081, within());
    }

    @Test
    void lateMediaCountsAsZeroAndSamplesLeaveTheWindowAfterTenSeconds() {
        BufferFigures f = new BufferFigures();
        f.newStream(48_000, mediaPts -> T0 + mediaPts);
        f.framed(0, 0);
        f.written(960, T0 + 50 * MS); // needed at T0 + 20 ms: late
        f.released(960, T0 + 60 * MS, 60 * MS);
        Map<String, Object> m = json(f, T0 + 100 * MS);
        assertThat(m.get("effective_buffer_on_write_max_seconds")).isEqualTo(0.0);
        assertThat(m.get("input_buffer_max_seconds")).isEqualTo(0.060);
        m = json(f, T0 + 10_200 * MS);
        assertThat(m.get("input_buffer_max_seconds")).isEqualTo(0.0);
        assertThat(m).hasSize(9);
    }

    @Test
    void withoutAQueueTimeOnlyTheInputBufferIsMeasured() {
        BufferFigures f = new BufferFigures();
        f.newStream(90_000, mediaPts -> BufferFigures.QueueClock.UNKNOWN); // the queue has not started
        f.framed(0, 0);
        f.written(3000, T0);
        f.released(3000, T0 + 80 * MS, 80 * MS);
        Map<String, Object> m = json(f, T0 + 100 * MS);
        assertThat(m.get("effective_buffer_on_write_avg_seconds")).isEqualTo(0.0);
        assertThat(m.get("effective_buffer_on_pop_avg_seconds")).isEqualTo(0.0);
        assertThat(m.get("input_buffer_avg_seconds")).isEqualTo(0.080);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }
}
