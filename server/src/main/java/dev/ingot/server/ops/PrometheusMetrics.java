package dev.ingot.server.ops;

import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.input.InputState;
import dev.ingot.server.ops.MetricsText.Type;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /metrics}: the {@code /stats} body and a few process figures in Prometheus' text format.
 *
 * <p>Per input: {@code ingot_input_state{input_id,state}} (1 for the current state, 0 for the others),
 * per RTP track ({@code track="video"|"audio"}) packets received, lost and recovered as counters and the
 * bitrate over 1 s and 1 min as a gauge. Any further number that {@code /stats} carries is exported as a gauge
 * named after its JSON path ({@code ingot_input_rtp_last_10_seconds_packets_lost},
 * {@code ingot_input_video_decoded_fps}, ...) and any further string as a label of {@code ingot_input_info}
 * (codec, decoder, resolution), so new figures show up here without a change; decoded frame and batch totals are
 * counters. Process: inputs registered, live WHIP sessions, {@code /ws} clients, capacity (sessions and inputs
 * left, decode load and budget, draining; see {@link Capacity.Snapshot#addTo}), live decoded pictures, JVM heap,
 * threads, CPU time and uptime.
 */
public final class PrometheusMetrics {
    private static final Set<String> TRACK_FIELDS_DONE = Set.of("packets_received", "packets_lost",
            "packets_recovered", "bitrate_1_second", "bitrate_1_minute");
    private static final Set<String> INPUT_FIELDS_DONE = Set.of("type", "state");
    /** Input-level figures that only grow: exported as counters ({@code ingot_input_<field>_total}). */
    private static final Map<String, String> INPUT_COUNTERS = Map.of(
            "video_frames_decoded", "Video frames decoded.",
            "video_frames_failed", "Video frames the decoder could not decode.",
            "audio_batches_decoded", "Audio batches decoded.");

    private PrometheusMetrics() {
    }

    /**
     * Process-wide figures that do not come from {@code /stats}; {@code capacity} (sessions left, decode load,
     * draining) may be null.
     */
    public record ProcessFigures(long liveSessions, long wsClients, Capacity.Snapshot capacity) {
        public ProcessFigures(long liveSessions, long wsClients) {
            this(liveSessions, wsClients, null);
        }
    }

    /** Renders {@code stats} (the {@code /stats} body) and the process figures. */
    public static String render(Map<String, Object> stats, ProcessFigures process) {
        MetricsText m = new MetricsText();
        Map<String, Object> inputs = map(stats.get("inputs"));
        m.add("ingot_inputs_registered", Type.GAUGE, "Inputs registered now.", inputs.size());
        m.add("ingot_whip_sessions_live", Type.GAUGE, "WHIP sessions open now (connecting or connected).",
                process.liveSessions());
        m.add("ingot_ws_clients", Type.GAUGE, "WebSocket clients connected to /ws.", process.wsClients());
        if (process.capacity() != null) {
            process.capacity().addTo(m);
        }
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            input(m, e.getKey(), map(e.getValue()));
        }
        jvm(m);
        return m.render();
    }

    private static void input(MetricsText m, String id, Map<String, Object> in) {
        String state = in.get("state") instanceof String s ? s : "unknown";
        Set<String> states = new LinkedHashSet<>();
        for (InputState s : InputState.values()) {
            states.add(s.jsonName());
        }
        states.add(state);
        for (String s : states) {
            m.add("ingot_input_state", Type.GAUGE, "State of each input: 1 for the state it is in, 0 for the others.",
                    s.equals(state) ? 1 : 0, "input_id", id, "state", s);
        }
        List<String> info = new ArrayList<>(List.of("input_id", id));
        for (Map.Entry<String, Object> f : in.entrySet()) {
            String key = f.getKey();
            Object v = f.getValue();
            if (INPUT_FIELDS_DONE.contains(key)) {
                continue;
            }
            if (INPUT_COUNTERS.containsKey(key) && v instanceof Number n) {
                m.add("ingot_input_" + key + "_total", Type.COUNTER, INPUT_COUNTERS.get(key), n.doubleValue(),
                        "input_id", id);
            } else if (key.endsWith("_rtp") && v instanceof Map<?, ?>) {
                track(m, id, key.substring(0, key.length() - "_rtp".length()), map(v));
            } else if (v instanceof String s) {
                info.add(MetricsText.sanitize(key));
                info.add(s);
            } else {
                leaves(m, "ingot_input_" + MetricsText.sanitize(key), v, "input_id", id);
            }
        }
        if (info.size() > 2) {
            m.add("ingot_input_info", Type.GAUGE, "Descriptive fields of each input's /stats entry, as labels.", 1,
                    info.toArray(String[]::new));
        }
    }

    private static void track(MetricsText m, String id, String track, Map<String, Object> r) {
        String[] labels = {"input_id", id, "track", track};
        counter(m, "ingot_input_rtp_packets_received_total", "RTP packets received (RTX repairs included).",
                r.get("packets_received"), labels);
        counter(m, "ingot_input_rtp_packets_lost_total", "RTP packets lost, as the receiver reports count them.",
                r.get("packets_lost"), labels);
        counter(m, "ingot_input_rtp_packets_recovered_total", "RTP packets recovered by retransmission (RTX).",
                r.get("packets_recovered"), labels);
        String bitrate = "ingot_input_rtp_bitrate_bits_per_second";
        String bitrateHelp = "Received RTP bitrate over the last completed second (window=1s) or minute (window=1m).";
        if (r.get("bitrate_1_second") instanceof Number n) {
            m.add(bitrate, Type.GAUGE, bitrateHelp, n.doubleValue(), "input_id", id, "track", track, "window", "1s");
        }
        if (r.get("bitrate_1_minute") instanceof Number n) {
            m.add(bitrate, Type.GAUGE, bitrateHelp, n.doubleValue(), "input_id", id, "track", track, "window", "1m");
        }
        for (Map.Entry<String, Object> f : r.entrySet()) {
            if (!TRACK_FIELDS_DONE.contains(f.getKey())) {
                leaves(m, "ingot_input_rtp_" + MetricsText.sanitize(f.getKey()), f.getValue(), labels);
            }
        }
    }

    private static void counter(MetricsText m, String name, String help, Object value, String[] labels) {
        if (value instanceof Number n) {
            m.add(name, Type.COUNTER, help, n.doubleValue(), labels);
        }
    }

    /** Numbers and booleans under {@code value} become gauges named by their path; anything else is skipped. */
    private static void leaves(MetricsText m, String name, Object value, String... labels) {
        if (value instanceof Map<?, ?> sub) {
            for (Map.Entry<?, ?> e : sub.entrySet()) {
                leaves(m, name + "_" + MetricsText.sanitize(String.valueOf(e.getKey())), e.getValue(), labels);
            }
            return;
        }
        double v;
        if (value instanceof Number n) {
            v = n.doubleValue();
        } else if (value instanceof Boolean b) {
            v = b ? 1 : 0;
        } else {
            return;
        }
        try {
            m.add(name, Type.GAUGE, "/stats field " + name.substring("ingot_".length()) + ".", v, labels);
        } catch (IllegalArgumentException clash) {
            // a field whose derived name clashes with a counter family: the counter wins
        }
    }

    private static void jvm(MetricsText m) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        String help = "JVM heap memory in bytes: used, committed, max (-1 when undefined).";
        m.add("ingot_jvm_heap_bytes", Type.GAUGE, help, heap.getUsed(), "area", "used");
        m.add("ingot_jvm_heap_bytes", Type.GAUGE, help, heap.getCommitted(), "area", "committed");
        m.add("ingot_jvm_heap_bytes", Type.GAUGE, help, heap.getMax(), "area", "max");
        m.add("ingot_jvm_non_heap_used_bytes", Type.GAUGE, "JVM non-heap memory used, in bytes.",
                memory.getNonHeapMemoryUsage().getUsed());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        m.add("ingot_jvm_threads", Type.GAUGE, "JVM platform threads alive (virtual threads are not counted).",
                threads.getThreadCount(), "kind", "live");
        m.add("ingot_jvm_threads", Type.GAUGE, "JVM platform threads alive (virtual threads are not counted).",
                threads.getDaemonThreadCount(), "kind", "daemon");
        m.add("ingot_jvm_threads", Type.GAUGE, "JVM platform threads alive (virtual threads are not counted).",
                threads.getPeakThreadCount(), "kind", "peak");
        m.add("ingot_decoded_pictures_live", Type.GAUGE,
                "Decoded pictures alive in native memory; a number that keeps growing is a leak.",
                VideoFrame.livePictures());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            m.add("ingot_process_cpu_seconds_total", Type.COUNTER, "CPU time this process used (user + system), in"
                    + " seconds.", os.getProcessCpuTime() / 1e9);
        }
        m.add("ingot_process_uptime_seconds", Type.GAUGE, "Seconds since the JVM started.",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
