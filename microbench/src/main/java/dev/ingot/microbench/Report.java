package dev.ingot.microbench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs the microbenchmarks through JMH (its usual output first) and then prints two summary tables: where a
 * packet's time goes on the receive path, and Ingot's decoding against the FFmpeg CLI in frames per CPU-second.
 * Arguments are JMH's command line (include patterns, {@code -i}, {@code -wi}, {@code -prof} ...; without include
 * patterns, both benchmark classes run). Errors are JMH's: half the 99.9%
 * confidence interval over the measurement iterations. {@code -Dmicrobench.quick=true} runs every benchmark for
 * two 1-second iterations without warmup, to check that the harness works.
 */
public final class Report {
    static final double PACKET_TARGET = 300_000;
    static final double DECODE_TARGET_RATIO = 0.9;
    static final double CONFIDENCE = 0.999;

    private Report() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(PacketPathBenchmark.class.getSimpleName());
            options.include(DecodeBenchmark.class.getSimpleName());
        }
        if (Boolean.getBoolean("microbench.quick")) { // a smoke test of the harness: the figures mean nothing
            options.warmupIterations(0).measurementIterations(2).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        printPacketPath(results);
        printDecode(results);
    }

    // ---------------------------------------------------------------------------------------- packet path

    private static void printPacketPath(Collection<RunResult> results) {
        String cls = PacketPathBenchmark.class.getSimpleName();
        boolean any = false;
        for (RunResult r : results) {
            any |= r.getParams().getBenchmark().contains("." + cls + ".");
        }
        if (!any) {
            return;
        }
        System.out.println("Packet path, one thread, " + SyntheticH264Stream.PACKET_BYTES
                + "-byte RTP packets (FU-A of " + SyntheticH264Stream.FRAME_BYTES / 1000
                + " KB H264 frames); errors: 99.9% CI over iterations");
        System.out.printf(Locale.ROOT, "%-46s %24s %24s %10s%n", "stage", "packets/s (wall, JMH)",
                "packets per CPU-second", "CPU ns/pkt");
        for (String profile : new String[] {"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
            String tag = profile.startsWith("AEAD") ? " [GCM]" : " [CM-SHA1-80]";
            RunResult copy = find(results, cls, "copyPacket", profile);
            RunResult unprotect = find(results, cls, "srtpUnprotect", profile);
            RunResult context = find(results, cls, "newInboundContext", profile);
            packetRow("copy into work buffer" + tag, copy);
            packetRow("copy + SRTP unprotect" + tag, unprotect);
            if (copy != null && unprotect != null) {
                System.out.printf(Locale.ROOT, "%-46s %24s %24s %10.1f%n", "  = SRTP unprotect alone", "", "",
                        cpuNanosPerOp(unprotect) - cpuNanosPerOp(copy));
            }
            if (context != null) {
                System.out.printf(Locale.ROOT, "%-46s %24s %24s %10.1f%n",
                        "  incl. new context per lap of " + SyntheticH264Stream.shared().size(), "",
                        String.format(Locale.ROOT, "(%.0f us per context)", cpuNanosPerOp(context) / 1000),
                        cpuNanosPerOp(context) / SyntheticH264Stream.shared().size());
            }
        }
        packetRow("RtpPacket.wrap + field reads", find(results, cls, "rtpWrap", null));
        packetRow("wrap + payload copy into RtpMedia", find(results, cls, "rtpToMedia", null));
        packetRow("RtpMedia + jitter buffer push/pop", find(results, cls, "jitterPushPop", null));
        packetRow("RtpMedia + H264 depacketizer", find(results, cls, "depacketizeH264", null));
        for (String profile : new String[] {"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
            RunResult full = find(results, cls, "fullPath", profile);
            packetRow("FULL PATH" + (profile.startsWith("AEAD") ? " [GCM]" : " [CM-SHA1-80]"), full);
            if (full != null) {
                double wall = full.getPrimaryResult().getScore();
                double cpu = 1e9 / cpuNanosPerOp(full);
                System.out.printf(Locale.ROOT, "  target >= 300k packets/s: per CPU-second %s; wall-clock %s%n",
                        verdict(cpu), verdict(wall));
            }
        }
        System.out.println();
    }

    /** "value ± error" in the given format; the error is "n/a" with too few iterations for one. */
    private static String pm(String format, double value, double error) {
        return String.format(Locale.ROOT, format, value) + " ± "
                + (Double.isNaN(error) ? "n/a" : String.format(Locale.ROOT, format, error));
    }

    private static String verdict(double rate) {
        return rate >= PACKET_TARGET ? String.format(Locale.ROOT, "met (%.1fx)", rate / PACKET_TARGET)
                : String.format(Locale.ROOT, "NOT MET (%.2fx)", rate / PACKET_TARGET);
    }

    private static void packetRow(String label, RunResult r) {
        if (r == null) {
            return;
        }
        Result<?> p = r.getPrimaryResult();
        ListStatistics cpu = perIteration(r, it -> count(it, "ops") / (count(it, "cpuNanos") / 1e9));
        System.out.printf(Locale.ROOT, "%-46s %24s %24s %10.1f%n", label,
                pm("%,.0f", p.getScore(), p.getScoreError()),
                pm("%,.0f", cpu.getMean(), cpu.getMeanErrorAt(CONFIDENCE)),
                cpuNanosPerOp(r));
    }

    /** CPU nanoseconds per operation over all measurement iterations together. */
    private static double cpuNanosPerOp(RunResult r) {
        double nanos = 0;
        double ops = 0;
        for (IterationResult it : iterations(r)) {
            nanos += count(it, "cpuNanos");
            ops += count(it, "ops");
        }
        return nanos / ops;
    }

    // ------------------------------------------------------------------------------------------- decoding

    private static void printDecode(Collection<RunResult> results) {
        String cls = DecodeBenchmark.class.getSimpleName();
        RunResult ingotDecode = find(results, cls, "ingotDecode", null);
        RunResult ingotRgba = find(results, cls, "ingotDecodeRgba", null);
        RunResult pairedDecode = find(results, cls, "pairedDecode", null);
        RunResult pairedRgba = find(results, cls, "pairedDecodeRgba", null);
        RunResult cliStartup = find(results, cls, "cliStartup", null);
        if (ingotDecode == null && ingotRgba == null && pairedDecode == null && pairedRgba == null) {
            return;
        }
        System.out.println("720p30 H264 decoding, one thread, " + TestVideo.FRAMES
                + " frames of testsrc2 at 2.5 Mbit/s; errors: 99.9% CI over iterations");
        System.out.printf(Locale.ROOT, "%-40s %22s %22s %13s%n", "", "frames/s (wall, JMH)",
                "frames per CPU-second", "CPU ms/frame");
        decodeRow("Ingot decode (YUV)", ingotDecode, "cpuNanos", true);
        decodeRow("Ingot decode + RGBA", ingotRgba, "cpuNanos", true);
        decodeRow("  same, CPU of the whole JVM", ingotRgba, "processCpuNanos", false);
        if (pairedDecode != null || pairedRgba != null) {
            System.out.println("Paired, same load (each invocation: one Ingot pass + one CLI run):");
        }
        decodeRow("  Ingot decode (YUV)", pairedDecode, "ingotCpuNanos", false);
        decodeRow("  ffmpeg CLI decode (-f null)", pairedDecode, "cliCpuNanos", false);
        decodeRow("  Ingot decode + RGBA", pairedRgba, "ingotCpuNanos", false);
        decodeRow("  ffmpeg CLI decode + RGBA", pairedRgba, "cliCpuNanos", false);
        double startupMs = Double.NaN;
        if (cliStartup != null) {
            ListStatistics s = perIteration(cliStartup, it -> ms(it, "cpuNanos") / count(it, "runs"));
            startupMs = s.getMean();
            System.out.printf(Locale.ROOT, "%-40s %s%n", "ffmpeg CLI start-up (1-frame run)",
                    pm("%.1f", s.getMean(), s.getMeanErrorAt(CONFIDENCE))
                            + " CPU ms per run (process start, probing, 1 frame)");
        }
        if (pairedDecode == null || pairedRgba == null) {
            System.out.println();
            return;
        }
        double ingotMs = cpuMsPerFrame(pairedDecode, "ingotCpuNanos");
        double ingotRgbaMs = cpuMsPerFrame(pairedRgba, "ingotCpuNanos");
        double cliMs = cpuMsPerFrame(pairedDecode, "cliCpuNanos");
        double cliRgbaMs = cpuMsPerFrame(pairedRgba, "cliCpuNanos");
        System.out.printf(Locale.ROOT, "RGBA conversion, CPU ms/frame (paired runs): Ingot %.2f "
                + "(+%.0f%% over decoding), CLI %.2f (+%.0f%%)%n", ingotRgbaMs - ingotMs, 100 * (ingotRgbaMs - ingotMs) / ingotMs,
                cliRgbaMs - cliMs, 100 * (cliRgbaMs - cliMs) / cliMs);
        System.out.printf(Locale.ROOT, "%-40s %22s %22s%n", "Ingot / CLI, frames per CPU-second", "decode only",
                "decode + RGBA");
        System.out.printf(Locale.ROOT, "%-40s %22s %22s%n", "  CLI as measured (incl. its start-up)",
                ratio(pairedDecode, 0), ratio(pairedRgba, 0));
        if (!Double.isNaN(startupMs)) {
            System.out.printf(Locale.ROOT, "%-40s %22s %22s%n", "  CLI net of start-up",
                    ratio(pairedDecode, startupMs), ratio(pairedRgba, startupMs));
            ListStatistics r = ratios(pairedRgba, startupMs);
            System.out.printf(Locale.ROOT, "  target: Ingot decode + RGBA within 10%% of the CLI net of start-up "
                    + "(ratio >= %.2f): %s%n", DECODE_TARGET_RATIO,
                    r.getMean() >= DECODE_TARGET_RATIO ? "met" : "NOT MET");
        }
        System.out.println();
    }

    /** Per iteration: CLI CPU per frame (less {@code startupMs} per run, spread over the other frames) / Ingot's. */
    private static ListStatistics ratios(RunResult paired, double startupMs) {
        return perIteration(paired, it -> {
            double frames = count(it, "frames");
            double runs = count(it, "runs");
            double cli = (ms(it, "cliCpuNanos") - runs * startupMs) / (startupMs > 0 ? frames - runs : frames);
            return cli / (ms(it, "ingotCpuNanos") / frames);
        });
    }

    private static String ratio(RunResult paired, double startupMs) {
        ListStatistics s = ratios(paired, startupMs);
        return pm("%.2f", s.getMean(), s.getMeanErrorAt(CONFIDENCE));
    }

    private static void decodeRow(String label, RunResult r, String cpuCounter, boolean wall) {
        if (r == null) {
            return;
        }
        Result<?> p = r.getPrimaryResult();
        ListStatistics fps = perIteration(r, it -> count(it, "frames") / (ms(it, cpuCounter) / 1000));
        System.out.printf(Locale.ROOT, "%-40s %22s %22s %13.2f%n", label,
                wall ? pm("%.1f", p.getScore(), p.getScoreError()) : "",
                pm("%.1f", fps.getMean(), fps.getMeanErrorAt(CONFIDENCE)), cpuMsPerFrame(r, cpuCounter));
    }

    /** CPU milliseconds per frame over all measurement iterations together. */
    private static double cpuMsPerFrame(RunResult r, String cpuCounter) {
        double ms = 0;
        double frames = 0;
        for (IterationResult it : iterations(r)) {
            ms += ms(it, cpuCounter);
            frames += count(it, "frames");
        }
        return ms / frames;
    }

    private static ListStatistics perIteration(RunResult r, ToDoubleFunction<IterationResult> f) {
        ListStatistics s = new ListStatistics();
        for (IterationResult it : iterations(r)) {
            s.addValue(f.applyAsDouble(it));
        }
        return s;
    }

    private static List<IterationResult> iterations(RunResult r) {
        List<IterationResult> out = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            out.addAll(b.getIterationResults());
        }
        return out;
    }

    private static double ms(IterationResult it, String counter) {
        return count(it, counter) / 1e6;
    }

    private static double count(IterationResult it, String counter) {
        Result<?> r = it.getSecondaryResults().get(counter);
        if (r == null) {
            throw new IllegalStateException("no aux counter " + counter + " in " + it.getSecondaryResults().keySet());
        }
        return r.getScore();
    }

    // -------------------------------------------------------------------------------------------- lookup

    private static RunResult find(Collection<RunResult> results, String cls, String method, String profile) {
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (!name.endsWith("." + cls + "." + method)) {
                continue;
            }
            String p = r.getParams().getParam("profile");
            if (profile == null || profile.equals(p)) {
                return r;
            }
        }
        return null;
    }
}
