package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
    private static Map<String, Object> track(long received, long lost, long bitrate) {
        Map<String, Object> last10 = new LinkedHashMap<>();
        last10.put("packets_lost", 2);
        last10.put("packets_received", 300);
        last10.put("input_buffer_avg_seconds", 0.08);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("packets_lost", lost);
        r.put("packets_received", received);
        r.put("bitrate_1_second", bitrate);
        r.put("bitrate_1_minute", bitrate / 2);
        r.put("last_10_seconds", last10);
        r.put("packets_recovered", 7);
        return r;
    }

    private static Map<String, Object> stats() {
        Map<String, Object> cam = new LinkedHashMap<>();
        cam.put("type", "whip");
        cam.put("video_rtp", track(1000, 5, 2_000_000));
        cam.put("audio_rtp", track(500, 0, 40_000));
        cam.put("state", "connected");
        // Ingot's extras, as InputMediaPipeline reports them
        cam.put("codec", "H264");                      // strings become labels of ingot_input_info
        cam.put("decoder", "ffmpeg_h264");
        cam.put("video_decoded_fps", 29.97);           // numbers the exporter does not know by name: gauges
        cam.put("video_frames_decoded", 900);          // known totals: counters
        cam.put("video_frames_failed", 0);
        cam.put("video_resolution", "1280x720");
        cam.put("video_jitter_buffer_ms", 80);
        cam.put("audio_jitter_buffer_ms", null);       // null: skipped
        cam.put("side_channel", Map.of("readers", 2)); // nested: named by its path
        Map<String, Object> idle = new LinkedHashMap<>();
        idle.put("type", "whip");
        idle.put("state", "waiting_for_publisher");  // no tracks at all: tolerated
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("cam1", cam);
        inputs.put("idle", idle);
        return Map.of("inputs", inputs, "outputs", Map.of());
    }

    private static List<String> samples(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void exportsEachInputsStateAsOneHotGauge() {
        String text = PrometheusMetrics.render(stats(), new PrometheusMetrics.ProcessFigures(1, 0));
        assertThat(samples(text, "ingot_input_state{input_id=\"cam1\"")).containsExactlyInAnyOrder(
                "ingot_input_state{input_id=\"cam1\",state=\"waiting_for_publisher\"} 0",
                "ingot_input_state{input_id=\"cam1\",state=\"connecting\"} 0",
                "ingot_input_state{input_id=\"cam1\",state=\"connected\"} 1",
                "ingot_input_state{input_id=\"cam1\",state=\"closed\"} 0");
        assertThat(samples(text, "ingot_input_state{input_id=\"idle\"").stream().filter(l -> l.endsWith(" 1")))
                .containsExactly("ingot_input_state{input_id=\"idle\",state=\"waiting_for_publisher\"} 1");
    }

    @Test
    void exportsPacketCountersAndBitratePerTrack() {
        String text = PrometheusMetrics.render(stats(), new PrometheusMetrics.ProcessFigures(1, 0));
        assertThat(text).contains("# TYPE ingot_input_rtp_packets_received_total counter\n")
                .contains("ingot_input_rtp_packets_received_total{input_id=\"cam1\",track=\"video\"} 1000\n")
                .contains("ingot_input_rtp_packets_received_total{input_id=\"cam1\",track=\"audio\"} 500\n")
                .contains("ingot_input_rtp_packets_lost_total{input_id=\"cam1\",track=\"video\"} 5\n")
                .contains("ingot_input_rtp_packets_recovered_total{input_id=\"cam1\",track=\"video\"} 7\n")
                .contains("ingot_input_rtp_bitrate_bits_per_second{input_id=\"cam1\",track=\"video\",window=\"1s\"} 2000000\n")
                .contains("ingot_input_rtp_bitrate_bits_per_second{input_id=\"cam1\",track=\"video\",window=\"1m\"} 1000000\n")
                .contains("ingot_input_rtp_last_10_seconds_input_buffer_avg_seconds{input_id=\"cam1\",track=\"video\"} 0.08\n");
    }

    @Test
    void unknownFiguresBecomeGaugesAndStringsBecomeInfoLabels() {
        String text = PrometheusMetrics.render(stats(), new PrometheusMetrics.ProcessFigures(1, 0));
        assertThat(text).contains("# TYPE ingot_input_video_decoded_fps gauge\n")
                .contains("ingot_input_video_decoded_fps{input_id=\"cam1\"} 29.97\n")
                .contains("ingot_input_video_jitter_buffer_ms{input_id=\"cam1\"} 80\n")
                .contains("ingot_input_side_channel_readers{input_id=\"cam1\"} 2\n")
                .contains("# TYPE ingot_input_video_frames_decoded_total counter\n")
                .contains("ingot_input_video_frames_decoded_total{input_id=\"cam1\"} 900\n")
                .contains("ingot_input_video_frames_failed_total{input_id=\"cam1\"} 0\n")
                .contains("ingot_input_info{input_id=\"cam1\",codec=\"H264\",decoder=\"ffmpeg_h264\",video_resolution=\"1280x720\"} 1\n");
        assertThat(text).doesNotContain("audio_jitter_buffer_ms").doesNotContain("input_id=\"idle\",codec");
    }

    @Test
    void exportsProcessFigures() {
        String text = PrometheusMetrics.render(stats(), new PrometheusMetrics.ProcessFigures(3, 2));
        assertThat(text).contains("ingot_inputs_registered 2\n", "ingot_whip_sessions_live 3\n", "ingot_ws_clients 2\n");
        assertThat(samples(text, "ingot_jvm_heap_bytes{area=\"used\"} ")).singleElement()
                .satisfies(l -> assertThat(Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).isPositive());
        assertThat(samples(text, "ingot_jvm_threads{kind=\"live\"} ")).hasSize(1);
        assertThat(samples(text, "ingot_decoded_pictures_live ")).hasSize(1);
    }

    @Test
    void theWholeOutputIsValidExpositionFormat() {
        String text = PrometheusMetrics.render(stats(), new PrometheusMetrics.ProcessFigures(1, 0));
        assertThat(ExpositionFormat.check(text)).isEmpty();
        assertThat(ExpositionFormat.check(PrometheusMetrics.render(Map.of(), new PrometheusMetrics.ProcessFigures(0, 0))))
                .isEmpty();
    }

    @Test
    void theCheckerItselfRejectsBrokenExpositions() {
        assertThat(ExpositionFormat.check("m 1\n")).isNotEmpty();                                  // no TYPE
        assertThat(ExpositionFormat.check("# TYPE m gauge\nm{a=\"1\"} 1\nm{a=\"1\"} 2\n")).isNotEmpty(); // duplicate
        assertThat(ExpositionFormat.check("# TYPE m counter\nm 1\n")).isNotEmpty();               // no _total
        assertThat(ExpositionFormat.check("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"2\"} 1\n")).isNotEmpty();
        assertThat(ExpositionFormat.check("# TYPE m gauge\nm{a=\"unterminated} 1\n")).isNotEmpty();
        assertThat(ExpositionFormat.check("# TYPE m gauge\nm one\n")).isNotEmpty();
    }
}
