package dev.ingot.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results table on stdout, the verdicts against the targets, and results.json. */
final class Report {
    /** Ingot's CPU per stream may exceed the decode + RGBA bound by at most this factor. */
    static final double BOUND_SLACK = 1.15;
    /** Ingot should use at least this many times less CPU per stream than the GStreamer receiver. */
    static final double GST_RATIO = 1.5;
    static final double POST_P99_MS = 20;
    static final double FIRST_FRAME_P50_MS = 400;

    private Report() {
    }

    static String header() {
        return String.format(Locale.ROOT, "%-10s %3s %5s %6s %8s %9s %9s %9s %8s %15s %15s %7s %13s %6s",
                "receiver", "N", "conn", "idle", "cores", "cores/str", "RSS MiB", "MiB/str", "fps/str", "POST>201 p50/99",
                "POST>frame p50/99", "lost", "rx/sent pkts", "bench");
    }

    static String row(StepResult s) {
        List<Double> posts = s.allPostMillis();
        return String.format(Locale.ROOT, "%-10s %3d %5s %6.3f %8.3f %9.4f %9.1f %9.1f %8s %15s %15s %7s %13s %6.3f",
                s.receiver(), s.streams(), s.connected() + "/" + s.streams(), s.idleCores(), s.coresTotal(), s.coresPerStream(),
                s.rssKibMax() / 1024.0, s.rssMibPerStream(), num(s.decodedFpsPerStream(), "%.1f"),
                pair(StepResult.percentile(posts, 50), StepResult.percentile(posts, 99)),
                pair(StepResult.percentile(s.firstFrameMillis(), 50), StepResult.percentile(s.firstFrameMillis(), 99)),
                s.packetsLost() == null ? "n/a" : s.packetsLost().toString(),
                (s.packetsReceived() == null ? "n/a" : s.packetsReceived().toString()) + "/" + s.packetsSent(),
                s.benchCores());
    }

    private static String num(Double v, String fmt) {
        return v == null ? "n/a" : String.format(Locale.ROOT, fmt, v);
    }

    private static String pair(Double a, Double b) {
        return a == null ? "n/a" : String.format(Locale.ROOT, "%.1f/%.1f", a, b);
    }

    static void print(PrintStream out, List<StepResult> results, DecodeBound.Result bound, Media media) {
        out.println();
        out.println(header());
        for (StepResult s : results) {
            out.println(row(s));
        }
        out.println("  cores: receiver CPU (utime+stime of its processes) / wall time (idle: 2 s after the streams ended); MiB/str: ingot (RSS - idle RSS) / N,"
                + " gstreamer RSS / N (one process per stream); bench: the publishers' own CPU (this JVM).");
        out.println("  load average (1 min) during the measured windows: " + String.join(", ",
                results.stream().map(s -> s.receiver() + " N=" + s.streams() + ": " + s.loadAverage()).toList()));
        for (StepResult s : results) {
            if (s.coldPostMillis() != null) {
                out.printf(Locale.ROOT, "  %s N=%d: the first POST after start (cold JVM, not in the percentiles) took %.1f ms%n",
                        s.receiver(), s.streams(), s.coldPostMillis());
            }
        }
        for (StepResult s : results) {
            if (Boolean.FALSE.equals(s.keptUp())) {
                out.printf(Locale.ROOT, "  %s N=%d fell behind: slowest stream decoded %.1f of %d fps (CPU-starved?);"
                        + " its CPU per stream here is not its cost%n", s.receiver(), s.streams(), s.decodedFpsMin(), Media.FPS);
            }
        }
        for (StepResult s : results) {
            if (s.note() != null) {
                out.println("  note " + s.receiver() + " N=" + s.streams() + ": " + s.note());
            }
        }
        out.println();
        for (String v : verdicts(results, bound)) {
            out.println(v);
        }
    }

    /** One line per target of the issue: the measured figure, and PASS, FAIL or n/a. */
    static List<String> verdicts(List<StepResult> results, DecodeBound.Result bound) {
        List<String> out = new ArrayList<>();
        // CPU per stream is compared at the largest N where the receivers kept up with the streams
        StepResult ingot = null;
        StepResult gst = null;
        for (StepResult s : results) {
            if (s.receiver().equals("ingot") && !Boolean.FALSE.equals(s.keptUp())) {
                StepResult g = at(results, "gstreamer", s.streams());
                if (ingot == null || s.streams() > ingot.streams()) {
                    ingot = s;
                }
                if (g != null && Boolean.TRUE.equals(g.keptUp()) && (gst == null || g.streams() > gst.streams())) {
                    gst = g;
                }
            }
        }
        StepResult ingotVsGst = gst == null ? null : at(results, "ingot", gst.streams());
        boolean decoding = ingot != null && ingot.decodedFpsPerStream() != null;
        String notDecoding = " [n/a: Ingot does not report decoded frames yet, so its CPU is the transport only]";
        if (ingot != null && bound != null) {
            double limit = bound.rgbaCores() * BOUND_SLACK;
            out.add(String.format(Locale.ROOT, "target: Ingot CPU/stream <= decode bound + 15%% (%.4f): %.4f at N=%d -> %s",
                    limit, ingot.coresPerStream(), ingot.streams(),
                    decoding ? verdict(ingot.coresPerStream() <= limit) : "n/a" + notDecoding));
        }
        if (ingotVsGst != null) {
            double ratio = gst.coresPerStream() / Math.max(1e-9, ingotVsGst.coresPerStream());
            out.add(String.format(Locale.ROOT, "target: GStreamer CPU/stream / Ingot CPU/stream >= %.1f: %.4f / %.4f = %.2fx at N=%d -> %s",
                    GST_RATIO, gst.coresPerStream(), ingotVsGst.coresPerStream(), ratio, gst.streams(),
                    ingotVsGst.decodedFpsPerStream() != null ? verdict(ratio >= GST_RATIO) : "n/a" + notDecoding));
        } else if (ingot != null && results.stream().anyMatch(s -> s.receiver().equals("gstreamer"))) {
            out.add("target: GStreamer CPU/stream / Ingot CPU/stream >= 1.5: n/a (the GStreamer receivers kept up at no N)");
        }
        for (String receiver : List.of("ingot", "gstreamer")) {
            Double slope = marginalCores(results, receiver);
            if (slope != null) {
                out.add(String.format(Locale.ROOT, "info: %s CPU per added stream (least-squares slope of cores over N,"
                        + " steps that kept up): %.4f cores", receiver, slope));
            }
        }
        List<Double> posts = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        for (StepResult s : results) {
            if (s.receiver().equals("ingot")) {
                posts.addAll(s.allPostMillis());
                first.addAll(s.firstFrameMillis());
            }
        }
        Double p99 = StepResult.percentile(posts, 99);
        if (p99 != null) {
            out.add(String.format(Locale.ROOT, "target: Ingot POST->201 p99 < %.0f ms: %.1f ms (%d POSTs) -> %s",
                    POST_P99_MS, p99, posts.size(), verdict(p99 < POST_P99_MS)));
        }
        Double p50 = StepResult.percentile(first, 50);
        if (ingot != null) {
            out.add(p50 == null
                    ? "target: Ingot POST->first decoded frame p50 < 400 ms: n/a" + notDecoding
                    : String.format(Locale.ROOT, "target: Ingot POST->first decoded frame p50 < %.0f ms: %.1f ms (%d streams) -> %s",
                            FIRST_FRAME_P50_MS, p50, first.size(), verdict(p50 < FIRST_FRAME_P50_MS)));
        }
        return out;
    }

    /** Slope of total cores against N over the receiver's steps that did not fall behind; null with < 2 N. */
    static Double marginalCores(List<StepResult> results, String receiver) {
        List<StepResult> pts = results.stream()
                .filter(s -> s.receiver().equals(receiver) && !Boolean.FALSE.equals(s.keptUp())).toList();
        if (pts.stream().map(StepResult::streams).distinct().count() < 2) {
            return null;
        }
        double mx = pts.stream().mapToDouble(StepResult::streams).average().orElseThrow();
        double my = pts.stream().mapToDouble(StepResult::coresTotal).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (StepResult s : pts) {
            sxy += (s.streams() - mx) * (s.coresTotal() - my);
            sxx += (s.streams() - mx) * (s.streams() - mx);
        }
        return sxy / sxx;
    }

    private static String verdict(boolean ok) {
        return ok ? "PASS" : "FAIL";
    }

    static StepResult largest(List<StepResult> results, String receiver) {
        StepResult best = null;
        for (StepResult s : results) {
            if (s.receiver().equals(receiver) && (best == null || s.streams() > best.streams())) {
                best = s;
            }
        }
        return best;
    }

    static StepResult at(List<StepResult> results, String receiver, int n) {
        for (StepResult s : results) {
            if (s.receiver().equals(receiver) && s.streams() == n) {
                return s;
            }
        }
        return null;
    }

    static Map<String, Object> json(List<StepResult> results, DecodeBound.Result bound, Media media,
                                    BenchMain.Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("cpu_model", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("machine", machine);
        Map<String, Object> med = new LinkedHashMap<>();
        med.put("video", media.h264.toString());
        med.put("audio", media.ogg.toString());
        med.put("frames", media.frameCount());
        med.put("fps", Media.FPS);
        med.put("video_bitrate", Math.round(media.videoBitrate()));
        med.put("opus_packets", media.audioPackets.size());
        m.put("media", med);
        if (bound != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("tool", "interop/ffmpeg -threads 1 -i <h264> [-pix_fmt rgba] -f null -");
            b.put("decode_cores_per_stream", bound.yuvCores());
            b.put("decode_rgba_cores_per_stream", bound.rgbaCores());
            m.put("decode_bound", b);
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("streams", o.streams());
        opts.put("warmup_seconds", o.warmup());
        opts.put("measure_seconds", o.measure());
        opts.put("probes", o.probes());
        opts.put("decoded_fields", o.decodedFields());
        m.put("options", opts);
        m.put("steps", results.stream().map(StepResult::toJson).toList());
        m.put("targets", verdicts(results, bound));
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }
}
