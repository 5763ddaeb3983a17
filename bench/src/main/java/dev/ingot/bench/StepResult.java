package dev.ingot.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one receiver cost with N streams; a null figure means the receiver did not report it (n/a). */
public record StepResult(
        String receiver,
        int streams,
        int connected,
        double seconds,
        double idleCores,
        double coresTotal,
        double coresPerStream,
        long rssKibIdle,
        long rssKibMax,
        double rssMibPerStream,
        Double decodedFpsPerStream,
        Double decodedFpsMin,
        Double coldPostMillis,
        List<Double> postMillis,
        List<Double> probeMillis,
        List<Double> firstFrameMillis,
        Long packetsLost,
        Long packetsReceived,
        long packetsSent,
        double benchCores,
        long pacerSkipped,
        String loadAverage,
        String note) {

    /** Nearest-rank percentile (p in 0..100) of the values, or null when there are none. */
    public static Double percentile(List<Double> values, double p) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    /**
     * Whether every stream was decoded at (nearly) the rate it was sent: true, false (the receiver fell behind,
     * e.g. starved of CPU, so its CPU per stream is not its cost), or null when decoded frames are not reported.
     */
    public Boolean keptUp() {
        return decodedFpsMin == null ? null : decodedFpsMin >= 0.95 * Media.FPS;
    }

    /** POST -> 201 times of the streams and of the probes together. */
    public List<Double> allPostMillis() {
        List<Double> all = new ArrayList<>(postMillis);
        all.addAll(probeMillis);
        return all;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receiver", receiver);
        m.put("streams", streams);
        m.put("connected", connected);
        m.put("measured_seconds", seconds);
        m.put("cpu_cores_idle_before_streams", idleCores);
        m.put("cpu_cores_total", coresTotal);
        m.put("cpu_cores_per_stream", coresPerStream);
        m.put("rss_kib_idle", rssKibIdle);
        m.put("rss_kib_max", rssKibMax);
        m.put("rss_mib_per_stream", rssMibPerStream);
        m.put("decoded_fps_per_stream", decodedFpsPerStream);
        m.put("decoded_fps_min", decodedFpsMin);
        m.put("kept_up", keptUp());
        List<Double> posts = allPostMillis();
        m.put("post_201_ms_p50", percentile(posts, 50));
        m.put("post_201_ms_p99", percentile(posts, 99));
        m.put("post_201_ms_first_after_start", coldPostMillis);
        m.put("post_201_ms_streams", postMillis);
        m.put("post_201_ms_probes", probeMillis);
        m.put("post_first_frame_ms_p50", percentile(firstFrameMillis, 50));
        m.put("post_first_frame_ms_p99", percentile(firstFrameMillis, 99));
        m.put("post_first_frame_ms", firstFrameMillis);
        m.put("packets_lost", packetsLost);
        m.put("packets_received", packetsReceived);
        m.put("packets_sent", packetsSent);
        m.put("bench_publisher_cpu_cores", benchCores);
        m.put("pacer_skipped", pacerSkipped);
        m.put("load_average_1m_start_end", loadAverage);
        m.put("note", note);
        return m;
    }
}
