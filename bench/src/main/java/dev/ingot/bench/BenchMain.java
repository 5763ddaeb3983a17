package dev.ingot.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench}: what each WHIP stream costs Ingot, side by side with a GStreamer webrtcbin receiver and
 * with the bare FFmpeg decode. For each N it starts the receiver fresh, publishes N real-time streams (H264
 * 720p30 + Opus) from this JVM, lets them warm up, then measures the receiver's CPU (from /proc), memory,
 * decoded frame rate, loss, and the POST-to-201 and POST-to-first-decoded-frame times.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Command-line options; see {@link #usage()}. */
    record Options(List<Integer> streams, double warmup, double measure, List<String> receivers, int mediaSeconds,
                   int probes, boolean decodeBound, List<String> decodedFields, List<String> ingotCommand,
                   Path out, Path cache, Path ffmpeg, Path root) {
    }

    static String usage() {
        return """
                usage: bin/bench [options]
                       bin/bench --request-latency [options]   (register and WHIP POST latency; --help there)
                  --streams 1,2,4,8        stream counts to measure (default 1,2,4,8)
                  --warmup S               seconds after all streams connected, before measuring (default 5)
                  --measure S              seconds measured per step (default 20)
                  --receivers ingot,gstreamer   systems under test (default both)
                  --probes K               extra POST->201 probes against Ingot per step, during warm-up (default 20)
                  --media-seconds S        length of the cached media (default 20)
                  --no-decode-bound        skip the FFmpeg decode-bound runs
                  --decoded-field PTR[,PTR]  JSON Pointer(s) under /stats inputs.<id> of the decoded frame counter
                  --ingot-cmd 'CMD ARGS'   run Ingot with this command line instead of java ... dev.ingot.server.Main
                  --out DIR                results directory (default bench/target)
                  --cache DIR              media cache (default $INGOT_CACHE/bench, INGOT_CACHE=~/.cache/ingot)
                """;
    }

    static Options parse(String[] args) {
        Path root = Path.of(System.getProperty("ingot.root", ".")).toAbsolutePath().normalize();
        String cacheEnv = System.getenv("INGOT_CACHE");
        Path cache = (cacheEnv == null || cacheEnv.isEmpty()
                ? Path.of(System.getProperty("user.home"), ".cache", "ingot") : Path.of(cacheEnv)).resolve("bench");
        List<Integer> streams = List.of(1, 2, 4, 8);
        double warmup = 5;
        double measure = 20;
        List<String> receivers = List.of("ingot", "gstreamer");
        int mediaSeconds = 20;
        int probes = 20;
        boolean decodeBound = true;
        List<String> decodedFields = IngotReceiver.DECODED_FRAMES_FIELDS;
        List<String> ingotCommand = List.of();
        Path out = root.resolve("bench/target");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(usage());
                System.exit(0);
            }
            if (a.equals("--no-decode-bound")) {
                decodeBound = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--streams" -> streams = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--measure" -> measure = Double.parseDouble(v);
                case "--receivers" -> receivers = Arrays.stream(v.split(",")).map(String::trim).toList();
                case "--probes" -> probes = Integer.parseInt(v);
                case "--media-seconds" -> mediaSeconds = Integer.parseInt(v);
                case "--decoded-field" -> decodedFields = Arrays.stream(v.split(",")).map(String::trim).toList();
                case "--ingot-cmd" -> ingotCommand = Arrays.asList(v.trim().split("\\s+"));
                case "--out" -> out = Path.of(v).toAbsolutePath();
                case "--cache" -> cache = Path.of(v).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String r : receivers) {
            if (!r.equals("ingot") && !r.equals("gstreamer")) {
                throw new IllegalArgumentException("unknown receiver " + r + " (ingot, gstreamer)");
            }
        }
        if (streams.isEmpty() || streams.stream().anyMatch(n -> n < 1) || measure <= 0 || warmup < 0
                || mediaSeconds < 2) {
            throw new IllegalArgumentException("bad --streams/--measure/--warmup/--media-seconds");
        }
        return new Options(streams, warmup, measure, receivers, mediaSeconds, probes, decodeBound, decodedFields,
                ingotCommand, out, cache, root.resolve("interop/ffmpeg"), root);
    }

    /** The parsed options, or, when they are wrong, the usage on stderr and exit status 64. */
    static <T> T parsedOrExit(String[] args, java.util.function.Function<String[], T> parse, String usage) {
        try {
            return parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(usage);
            System.exit(64);
            throw e;
        }
    }

    /** The receiver of the step in progress: stopped by the shutdown hook on Ctrl-C, so no child outlives us. */
    private static volatile Receiver current;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--request-latency")) { // register / WHIP POST latency, see there
            RequestLatency.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Receiver r = current;
            if (r != null) {
                r.close();
            }
        }, "bench-shutdown"));
        Options o = parsedOrExit(args, BenchMain::parse, usage());
        Files.createDirectories(o.out());
        Media media = Media.prepare(o.ffmpeg(), o.cache(), o.mediaSeconds());
        System.out.printf(Locale.ROOT, "bench: media %s: %d frames, %.2f Mbit/s, %d Opus packets%n",
                media.h264.getFileName(), media.frameCount(), media.videoBitrate() / 1e6, media.audioPackets.size());
        DecodeBound.Result bound = null;
        if (o.decodeBound()) {
            bound = DecodeBound.measure(o.ffmpeg(), media.h264, media.frameCount());
            System.out.printf(Locale.ROOT, "bench: decode bound (ffmpeg -threads 1, %d frames): decode %.4f cores/stream,"
                    + " decode+RGBA %.4f cores/stream at %d fps%n", bound.frames(), bound.yuvCores(), bound.rgbaCores(),
                    Media.FPS);
        }
        List<StepResult> results = new ArrayList<>();
        for (int n : o.streams()) {
            for (String name : o.receivers()) {
                Receiver r = name.equals("ingot")
                        ? new IngotReceiver(o.root(), o.out().resolve("logs"), o.decodedFields(), o.ingotCommand())
                        : new GstReceiver(o.root().resolve("bench/gst-receiver.py"), o.out().resolve("logs"));
                System.out.printf(Locale.ROOT, "bench: %s, %d stream(s)…%n", name, n);
                StepResult s;
                current = r;
                try {
                    s = runStep(r, n, media, o);
                } finally {
                    r.close();
                    current = null;
                }
                results.add(s);
                System.out.println("  " + Report.row(s));
            }
        }
        Report.print(System.out, results, bound, media);
        Map<String, Object> json = Report.json(results, bound, media, o);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o.out().resolve("results.json").toFile(), json);
        Path png = o.out().resolve("results.png");
        ResultsPlot.write(png, results, bound);
        System.out.println("bench: wrote " + o.out().resolve("results.json") + " and " + png);
        System.exit(0);
    }

    static StepResult runStep(Receiver r, int n, Media media, Options o) throws Exception {
        List<Receiver.Endpoint> endpoints = r.start(n);
        List<Long> pids = r.pids();
        Thread.sleep(1000);
        long idleRss = ProcStat.rssKib(pids);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<WhipPublisher> pubs = new ArrayList<>();
        long[] postStart = new long[n];
        Double[] postMillis = new Double[n];
        Double[] firstFrame = new Double[n];
        List<String> errors = new ArrayList<>();
        long selfPid = ProcessHandle.current().pid();
        boolean deleted = false;
        try (Pacer pacer = new Pacer(media); ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                pubs.add(new WhipPublisher(http));
            }
            // the first POST a fresh JVM serves runs cold (class loading, interpreter): kept apart from the rest
            Double coldPost = null;
            Receiver.Endpoint probe = r.probeEndpoint();
            if (probe != null) {
                try (WhipPublisher prober = new WhipPublisher(http)) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> res = prober.post(probe.whipUrl(), probe.token(), prober.offer());
                    coldPost = (System.nanoTime() - t0) / 1e6;
                    if (res.statusCode() == 201) {
                        prober.delete(probe.token());
                    }
                }
            }
            // first decoded frame: one poller at 10 ms for all streams, until the warm-up ends
            var stopPoll = new java.util.concurrent.atomic.AtomicBoolean();
            Thread poller = Thread.ofPlatform().daemon().name("bench-first-frame").start(() -> {
                while (!stopPoll.get()) {
                    List<Receiver.StreamCounters> c = r.poll(false);
                    long now = System.nanoTime();
                    for (int i = 0; i < n && i < c.size(); i++) {
                        long start = postStart[i];
                        OptionalLong d = c.get(i).decodedFrames();
                        if (start != 0 && firstFrame[i] == null && d.isPresent() && d.getAsLong() > 0) {
                            firstFrame[i] = (now - start) / 1e6;
                        }
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            List<Future<?>> connects = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                connects.add(pool.submit(() -> {
                    WhipPublisher p = pubs.get(k);
                    Receiver.Endpoint ep = endpoints.get(k);
                    String offer = p.offer();
                    long t0 = System.nanoTime();
                    postStart[k] = t0;
                    HttpResponse<String> res = p.post(ep.whipUrl(), ep.token(), offer);
                    postMillis[k] = (System.nanoTime() - t0) / 1e6;
                    if (res.statusCode() != 201) {
                        throw new IOException("POST " + ep.whipUrl() + ": HTTP " + res.statusCode() + " " + res.body());
                    }
                    p.connect(res.body(), Duration.ofSeconds(15));
                    pacer.add(p);
                    return null;
                }));
            }
            int connected = 0;
            for (Future<?> f : connects) {
                try {
                    f.get(40, TimeUnit.SECONDS);
                    connected++;
                } catch (Exception e) {
                    String msg = e.getCause() != null ? e.getCause().toString() : e.toString();
                    errors.add(msg);
                    System.err.println("bench: " + r.name() + ": a stream did not connect: " + msg);
                }
            }
            long warmupEnd = System.nanoTime() + (long) (o.warmup() * 1e9);
            List<Double> probes = new ArrayList<>();
            if (probe != null && o.probes() > 0) {
                WhipPublisher prober = new WhipPublisher(http);
                try {
                    String offer = prober.offer();
                    for (int k = 0; k < o.probes(); k++) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> res = prober.post(probe.whipUrl(), probe.token(), offer);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (res.statusCode() == 201) {
                            probes.add(ms);
                            prober.delete(probe.token());
                        } else {
                            errors.add("probe POST: HTTP " + res.statusCode());
                        }
                        Thread.sleep(Math.max(1, (long) (o.warmup() * 500 / o.probes())));
                    }
                } finally {
                    prober.close();
                }
            }
            long wait = warmupEnd - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            stopPoll.set(true);
            poller.join(2000);

            // the measured window
            String load0 = ProcStat.loadAverage();
            long cpu0 = ProcStat.cpuNanos(pids);
            long self0 = ProcStat.cpuNanos(selfPid);
            List<Receiver.StreamCounters> c0 = r.poll(true);
            long sent0 = pubs.stream().mapToLong(p -> p.packetsSent.get()).sum();
            long skipped0 = pacer.skipped;
            long t0 = System.nanoTime();
            long rssMax = 0;
            long end = t0 + (long) (o.measure() * 1e9);
            while (System.nanoTime() < end) {
                rssMax = Math.max(rssMax, ProcStat.rssKib(pids));
                Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            long cpu1 = ProcStat.cpuNanos(pids);
            long self1 = ProcStat.cpuNanos(selfPid);
            long t1 = System.nanoTime();
            List<Receiver.StreamCounters> c1 = r.poll(true);
            long sent1 = pubs.stream().mapToLong(p -> p.packetsSent.get()).sum();
            rssMax = Math.max(rssMax, ProcStat.rssKib(pids));
            double secs = (t1 - t0) / 1e9;

            double cores = (cpu1 - cpu0) / 1e9 / secs;
            Double fps = null;
            Double fpsMin = null;
            Long lost = null;
            Long received = null;
            for (int i = 0; i < n; i++) {
                Receiver.StreamCounters a = i < c0.size() ? c0.get(i) : Receiver.StreamCounters.NONE;
                Receiver.StreamCounters b = i < c1.size() ? c1.get(i) : Receiver.StreamCounters.NONE;
                if (a.decodedFrames().isPresent() && b.decodedFrames().isPresent()) {
                    double f = (b.decodedFrames().getAsLong() - a.decodedFrames().getAsLong()) / secs;
                    fps = (fps == null ? 0 : fps) + f / n;
                    fpsMin = fpsMin == null ? f : Math.min(fpsMin, f);
                }
                if (a.packetsLost().isPresent() && b.packetsLost().isPresent()) {
                    lost = (lost == null ? 0 : lost) + b.packetsLost().getAsLong() - a.packetsLost().getAsLong();
                }
                if (a.packetsReceived().isPresent() && b.packetsReceived().isPresent()) {
                    received = (received == null ? 0 : received)
                            + b.packetsReceived().getAsLong() - a.packetsReceived().getAsLong();
                }
            }
            double rssPerStream = r instanceof IngotReceiver
                    ? Math.max(0, rssMax - idleRss) / 1024.0 / n
                    : rssMax / 1024.0 / n;
            List<String> notes = new ArrayList<>(errors);
            if (fps == null && r.decodedFramesMissingReason() != null) {
                notes.add(r.decodedFramesMissingReason());
            }
            List<Double> ff = Arrays.stream(firstFrame).filter(x -> x != null).toList();
            List<Double> posts = Arrays.stream(postMillis).filter(x -> x != null).toList();
            // the streams end; then what the receiver costs with none (timers, housekeeping), over 2 s
            for (int i = 0; i < pubs.size(); i++) {
                pacer.remove(pubs.get(i));
                pubs.get(i).delete(endpoints.get(i).token());
            }
            Thread.sleep(1000);
            long idleCpu0 = ProcStat.cpuNanos(pids);
            long idleT0 = System.nanoTime();
            Thread.sleep(2000);
            double idleCores = (ProcStat.cpuNanos(pids) - idleCpu0) / 1e9 / ((System.nanoTime() - idleT0) / 1e9);
            StepResult result = new StepResult(r.name(), n, connected, secs, idleCores, cores, cores / n, idleRss, rssMax,
                    rssPerStream, fps, fpsMin, coldPost, posts, probes, ff.isEmpty() && fps == null ? List.of() : ff,
                    lost, received, sent1 - sent0, (self1 - self0) / 1e9 / secs, pacer.skipped - skipped0,
                    load0 + " -> " + ProcStat.loadAverage(), notes.isEmpty() ? null : String.join("; ", notes));
            deleted = true;
            return result;
        } finally {
            for (int i = 0; i < pubs.size(); i++) {
                if (!deleted) {
                    pubs.get(i).delete(endpoints.get(i).token());
                }
                pubs.get(i).close();
            }
        }
    }
}
