package dev.ingot.microbench;

import com.sun.management.OperatingSystemMXBean;
import dev.ingot.media.decode.DecodeResult;
import dev.ingot.media.decode.VideoDecoder;
import dev.ingot.media.decode.VideoDecoderKind;
import dev.ingot.media.frame.VideoFrame;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 720p30 H264 decoding on one thread: Ingot's {@link VideoDecoder} (FFmpeg through bytedeco,
 * {@code thread_count = 1}) with and without {@link VideoFrame#rgba()}, against the FFmpeg CLI decoding the same
 * file ({@code ffmpeg -threads 1 -i same.h264 [-pix_fmt rgba] -f null -}). One invocation decodes the whole
 * {@link TestVideo} file ({@value TestVideo#FRAMES} frames).
 *
 * <p>{@code ingotDecode} and {@code ingotDecodeRgba} measure Ingot alone: their JMH score is frames per
 * wall-clock second. Wall-clock time is no way to compare with the CLI (it runs demuxer, decoder, filter and
 * muxer on threads of their own, and this machine is shared), so every benchmark counts CPU time as well: for
 * Ingot the benchmark thread's CPU time (and the whole JVM's, which adds GC, JIT and JMH), for the CLI the user +
 * system time of the finished child process (the JVM's {@code cutime + cstime} in {@code /proc/self/stat}, which
 * the kernel adds to when it reaps a child).
 *
 * <p>{@code pairedDecode} and {@code pairedDecodeRgba} compare the two under the same load: each invocation runs
 * one Ingot pass and one CLI run over the file, back to back (alternating which goes first), counting the CPU time
 * of each side ({@link PairedCpu}), so each iteration gives one Ingot/CLI ratio. Their JMH score (both sides
 * together, wall-clock) means little. {@code cliStartup} runs the CLI on one frame only, so its per-run cost
 * (process start, probing the input, which decodes a few frames) can be subtracted. {@link Report} turns the
 * counters into frames per CPU-second and the ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TestVideo.FRAMES)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
public class DecodeBenchmark {
    static final long FRAME_NANOS = 33_333_333L;
    /** USER_HZ: the unit of the times in /proc/[pid]/stat, 100 on every Linux architecture we run on. */
    static final long CLOCK_TICK_NANOS = 10_000_000L;

    /** The test file and its access units, shared by all benchmarks of a fork. */
    @State(Scope.Benchmark)
    public static class Video {
        Path file;
        List<byte[]> accessUnits;
        List<String> cliDecode;
        List<String> cliDecodeRgba;
        List<String> cliStartup;

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            file = TestVideo.ensure();
            accessUnits = TestVideo.accessUnits(Files.readAllBytes(file));
            if (accessUnits.size() != TestVideo.FRAMES) {
                throw new IllegalStateException("expected " + TestVideo.FRAMES + " access units in " + file
                        + ", found " + accessUnits.size());
            }
            String ffmpeg = TestVideo.ffmpeg().toString();
            List<String> head = List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-threads", "1",
                    "-i", file.toString());
            cliDecode = concat(head, List.of("-f", "null", "-"));
            cliDecodeRgba = concat(head, List.of("-pix_fmt", "rgba", "-f", "null", "-"));
            cliStartup = concat(head, List.of("-frames:v", "1", "-pix_fmt", "rgba", "-f", "null", "-"));
            int frames = cliFrameCount(cliDecodeRgba);
            if (frames != TestVideo.FRAMES) {
                throw new IllegalStateException("the FFmpeg CLI decoded " + frames + " frames, expected "
                        + TestVideo.FRAMES);
            }
        }

        private static List<String> concat(List<String> a, List<String> b) {
            List<String> out = new ArrayList<>(a);
            out.addAll(b);
            return List.copyOf(out);
        }

        /** Runs the command once with statistics on and returns the last {@code frame=} count it printed. */
        private static int cliFrameCount(List<String> cmd) throws IOException, InterruptedException {
            List<String> verbose = new ArrayList<>(cmd);
            verbose.set(verbose.indexOf("error"), "info");
            verbose.add(1, "-stats");
            Process p = new ProcessBuilder(verbose).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("ffmpeg failed: " + verbose + "\n" + out);
            }
            Matcher m = Pattern.compile("frame=\\s*(\\d+)").matcher(out);
            int frames = -1;
            while (m.find()) {
                frames = Integer.parseInt(m.group(1));
            }
            return frames;
        }
    }

    /**
     * The CLI's CPU time and work per measurement iteration in {@code cliStartup} (JMH aux counters, summed over
     * the iteration, not divided by time); {@link Report} divides them.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CliCpu {
        /** User + system time of the ffmpeg processes. */
        public long cpuNanos;
        public long frames;
        public long runs;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            frames = 0;
            runs = 0;
        }
    }

    /** Ingot's CPU time and work per measurement iteration, as {@link CliCpu}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class IngotCpu {
        /** CPU time of the benchmark thread, which decodes and converts. */
        public long cpuNanos;
        /** CPU time of the whole JVM: adds GC, JIT, JMH and the frame cleaner. */
        public long processCpuNanos;
        public long frames;
        public long runs;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            processCpuNanos = 0;
            frames = 0;
            runs = 0;
        }
    }

    /** CPU time and work of both sides of the paired benchmarks per measurement iteration, as {@link CliCpu}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PairedCpu {
        /** CPU time of the benchmark thread in Ingot's passes. */
        public long ingotCpuNanos;
        /** User + system time of the ffmpeg processes. */
        public long cliCpuNanos;
        /** Frames each side decoded. */
        public long frames;
        public long runs;

        @Setup(Level.Iteration)
        public void reset() {
            ingotCpuNanos = 0;
            cliCpuNanos = 0;
            frames = 0;
            runs = 0;
        }
    }

    /** One Ingot decoder, kept open across invocations (each pass starts with an IDR). */
    @State(Scope.Thread)
    public static class Ingot {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        VideoDecoder decoder;
        long frames;
        long checksum;
        final Consumer<VideoFrame> release = f -> {
            frames++;
            f.release();
        };
        final Consumer<VideoFrame> toRgba = f -> {
            frames++;
            ByteBuffer rgba = f.rgba();
            checksum += rgba.get(rgba.limit() / 2);
            f.release();
        };

        @Setup(Level.Trial)
        public void setUp() {
            decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_H264);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            decoder.close();
        }

        /** Decodes every access unit, handing each frame to {@code out}; returns this thread's CPU nanoseconds. */
        long decodeAll(List<byte[]> units, Consumer<VideoFrame> out) {
            long thread0 = threads.getCurrentThreadCpuTime();
            long before = frames;
            for (int i = 0; i < units.size(); i++) {
                byte[] au = units.get(i);
                DecodeResult r = decoder.decode(au, au.length, i * FRAME_NANOS, out);
                if (r != DecodeResult.OK) {
                    throw new IllegalStateException("access unit " + i + ": " + r + " " + decoder.lastError());
                }
            }
            long cpu = threads.getCurrentThreadCpuTime() - thread0;
            long decoded = frames - before;
            if (decoded != units.size()) {
                throw new IllegalStateException("decoded " + decoded + " frames from " + units.size()
                        + " access units");
            }
            return cpu;
        }

        long decodeAll(List<byte[]> units, Consumer<VideoFrame> out, IngotCpu cpu) {
            long process0 = os.getProcessCpuTime();
            cpu.cpuNanos += decodeAll(units, out);
            cpu.processCpuNanos += os.getProcessCpuTime() - process0;
            cpu.frames += units.size();
            cpu.runs++;
            return checksum;
        }

        /** One Ingot pass and one CLI run, in alternating order. */
        long paired(List<byte[]> units, Consumer<VideoFrame> out, List<String> cliCommand, PairedCpu cpu)
                throws IOException, InterruptedException {
            if ((cpu.runs & 1) == 0) {
                cpu.ingotCpuNanos += decodeAll(units, out);
                cpu.cliCpuNanos += runCli(cliCommand);
            } else {
                cpu.cliCpuNanos += runCli(cliCommand);
                cpu.ingotCpuNanos += decodeAll(units, out);
            }
            cpu.frames += units.size();
            cpu.runs++;
            return checksum;
        }
    }

    @Benchmark
    public long ingotDecode(Video video, Ingot ingot, IngotCpu cpu) {
        return ingot.decodeAll(video.accessUnits, ingot.release, cpu);
    }

    @Benchmark
    public long ingotDecodeRgba(Video video, Ingot ingot, IngotCpu cpu) {
        return ingot.decodeAll(video.accessUnits, ingot.toRgba, cpu);
    }

    @Benchmark
    public long pairedDecode(Video video, Ingot ingot, PairedCpu cpu) throws IOException, InterruptedException {
        return ingot.paired(video.accessUnits, ingot.release, video.cliDecode, cpu);
    }

    @Benchmark
    public long pairedDecodeRgba(Video video, Ingot ingot, PairedCpu cpu) throws IOException, InterruptedException {
        return ingot.paired(video.accessUnits, ingot.toRgba, video.cliDecodeRgba, cpu);
    }

    /** The CLI's fixed cost per run: the RGBA command stopped after one frame. Score: runs per second. */
    @Benchmark
    @OperationsPerInvocation(1)
    public long cliStartup(Video video, CliCpu cpu) throws IOException, InterruptedException {
        long nanos = runCli(video.cliStartup);
        cpu.cpuNanos += nanos;
        cpu.frames++;
        cpu.runs++;
        return nanos;
    }

    /** Runs the FFmpeg CLI to completion; returns its user + system CPU nanoseconds. */
    static long runCli(List<String> cmd) throws IOException, InterruptedException {
        long before = childCpuNanos();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException("ffmpeg exited with " + rc + ": " + cmd);
        }
        return childCpuNanos() - before;
    }

    /** User + system time of this JVM's reaped children ({@code cutime + cstime}, proc(5)). */
    static long childCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state); cutime and cstime are fields 16 and 17
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * CLOCK_TICK_NANOS;
    }
}
