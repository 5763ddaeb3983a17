package dev.ingot.server.faults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.rtc.session.SessionCounters;
import dev.ingot.server.TestServer;
import dev.ingot.server.net.WebRtcTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.lang.management.ManagementFactory;
import org.slf4j.LoggerFactory;

/**
 * The churn and soak tool ({@code bin/soak}), not a unit test: an in-process Ingot server and loopback publishers.
 * <ol>
 *   <li>Churn: {@code --cycles} connect / publish / disconnect cycles (ending by DELETE, by unregister, and every
 *       tenth by vanishing into consent expiry), sampling file descriptors, threads, RSS and live heap.</li>
 *   <li>Soak: {@code --inputs} publishers streaming synthetic SRTP at about 1 Mbit/s each for
 *       {@code --soak-seconds}, sampling every {@code --sample-seconds}; growth is reported from the end of the
 *       warm-up (a quarter of the run, at most 60 s) to the end, with the RSS slope per hour.</li>
 * </ol>
 * RSS is {@code VmRSS} of this process, so it includes native memory (thread stacks, direct buffers, FFmpeg) and the
 * publishers' share. Bounded: every wait has a timeout and a watchdog ends the process when the run overruns by
 * five minutes. Exit status 0 when every session lived and fds/threads came back; 1 otherwise.
 */
public final class ChurnSoak {
    private static final double MIB = 1024.0;

    private int cycles = 300;
    private int soakSeconds = 600;
    private int inputs = 3;
    private int sampleSeconds = 10;
    private String logLevel = "WARN";
    private final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        ChurnSoak c = new ChurnSoak();
        c.parse(args);
        int code = c.run();
        System.exit(code);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--cycles" -> { cycles = Integer.parseInt(v); i++; }
                case "--soak-seconds" -> { soakSeconds = Integer.parseInt(v); i++; }
                case "--inputs" -> { inputs = Integer.parseInt(v); i++; }
                case "--sample-seconds" -> { sampleSeconds = Integer.parseInt(v); i++; }
                case "--log-level" -> { logLevel = v; i++; }
                case "-h", "--help" -> {
                    System.out.println("usage: bin/soak [--cycles N(300)] [--soak-seconds S(600)] [--inputs K(3)]"
                            + " [--sample-seconds 10] [--log-level WARN]\n  --cycles 0 or --soak-seconds 0 skips that phase");
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
            }
        }
    }

    private int run() throws Exception {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(logLevel, Level.WARN));
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // Helidon's own JUL lines
        long budgetSeconds = cycles * 3L + soakSeconds + 300;
        Thread.ofPlatform().daemon().name("soak-watchdog").start(() -> {
            try {
                Thread.sleep(budgetSeconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("soak: overran its " + budgetSeconds + " s budget; giving up");
            Runtime.getRuntime().halt(2);
        });
        System.out.printf(Locale.ROOT, "soak: java %s, %d CPUs, max heap %.0f MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / MIB / MIB);
        if (cycles > 0) {
            churn();
        }
        if (soakSeconds > 0) {
            soak();
        }
        if (failures.isEmpty()) {
            System.out.println("soak: OK");
            return 0;
        }
        failures.forEach(f -> System.out.println("soak: FAILED: " + f));
        return 1;
    }

    private static String describe(Resources r, long liveHeap) {
        return String.format(Locale.ROOT, "RSS %6.1f MiB (heap %5.1f used / %5.1f committed, non-heap %5.1f, direct %4.1f)"
                        + "  fds %4d  threads %3d platform / %3d all",
                r.rssKiB() / MIB, liveHeap / MIB / MIB, r.heapCommittedBytes() / MIB / MIB,
                r.nonHeapCommittedBytes() / MIB / MIB, r.directBytes() / MIB / MIB, r.fds(), r.platformThreads(),
                r.allThreads());
    }

    /** With -XX:NativeMemoryTracking=summary: where native memory went since {@link #nmtBaseline}. */
    private static void nmt(String command) {
        try {
            var server = ManagementFactory.getPlatformMBeanServer();
            Object out = server.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmNativeMemory", new Object[] {new String[] {command}}, new String[] {String[].class.getName()});
            String text = String.valueOf(out);
            if (text.contains("not enabled")) {
                return;
            }
            if (command.startsWith("summary")) {
                System.out.println("churn: native memory since warm-up (NMT " + command + "):");
                java.util.regex.Pattern changed = java.util.regex.Pattern.compile("committed=\\d+\\w+ [+-]\\d+\\w+");
                text.lines().filter(l -> l.startsWith("Total") || l.startsWith("-") && changed.matcher(l).find())
                        .forEach(l -> System.out.println("  " + l.strip().replaceAll("\\s+", " ")));
            }
        } catch (Exception e) {
            System.out.println("churn: NMT unavailable: " + e);
        }
    }

    private static void nmtBaseline() {
        nmt("baseline");
    }

    private static long liveHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    // ---- churn ----

    private void churn() throws Exception {
        int warmup = Math.min(20, Math.max(1, cycles / 10));
        System.out.printf(Locale.ROOT, "churn: %d cycles (first %d are warm-up)%n", cycles, warmup);
        try (TestServer t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "1000",
                "INGOT_WHIP_POSTS_PER_MINUTE_PER_IP", "100000"))) {
            t.register("churn", "\"bearer_token\":\"churn-token\"");
            Resources base = null;
            long baseHeap = 0;
            long start = System.nanoTime();
            for (int i = 0; i < cycles; i++) {
                if (i == warmup) {
                    settle();
                    baseHeap = liveHeap();
                    base = Resources.sample();
                    nmtBaseline();
                    System.out.println("churn: after warm-up  " + describe(base, baseHeap));
                }
                try {
                    churnCycle(t, i);
                } catch (Exception | AssertionError e) {
                    failures.add("churn cycle " + i + ": " + e);
                    System.out.println("churn: cycle " + i + " failed: " + e);
                    if (failures.size() > 5) {
                        return;
                    }
                }
                if ((i + 1) % 50 == 0) {
                    System.out.printf(Locale.ROOT, "churn: %4d cycles     %s%n", i + 1,
                            describe(Resources.sample(), liveHeap()));
                }
            }
            settle();
            long endHeap = liveHeap();
            Resources end = Resources.sample();
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.println("churn: at the end     " + describe(end, endHeap));
            nmt("summary.diff");
            if (base == null) {
                return;
            }
            int measured = cycles - warmup;
            System.out.printf(Locale.ROOT, "churn: %d cycles in %.1f s (%.0f ms per cycle); growth over the last %d cycles:"
                            + " RSS %+.1f MiB, live heap %+.2f MiB, fds %+d, platform threads %+d, all threads %+d%n",
                    cycles, secs, secs * 1000 / cycles, measured, (end.rssKiB() - base.rssKiB()) / MIB,
                    (endHeap - baseHeap) / MIB / MIB, end.fds() - base.fds(), end.platformThreads() - base.platformThreads(),
                    end.allThreads() - base.allThreads());
            if (end.fds() - base.fds() > 4) {
                failures.add("file descriptors grew by " + (end.fds() - base.fds()) + " over " + measured + " cycles");
            }
            if (end.allThreads() - base.allThreads() > 4) {
                failures.add("threads grew by " + (end.allThreads() - base.allThreads()) + " over " + measured + " cycles");
            }
            if (!t.server.transport().sessions().isEmpty()) {
                failures.add(t.server.transport().sessions().size() + " sessions left after churn");
            }
        }
    }

    /** Lets closing sessions finish (consent expiry, thread ends) before a measurement. */
    private static void settle() throws InterruptedException {
        Resources.await("session threads gone", 15_000, () -> FaultTools.sessionThreads("churn").isEmpty());
        Thread.sleep(300);
    }

    private static void churnCycle(TestServer t, int i) throws Exception {
        String id = "churn";
        String token = "churn-token";
        if (t.server.registry().get(id).isEmpty()) {
            t.register(id, "\"bearer_token\":\"" + token + "\"");
        }
        StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token,
                i % 2 == 0 ? Setup.ACTPASS : Setup.PASSIVE, 250);
        WebRtcTransport.LiveSession s;
        try {
            s = FaultTools.awaitLive(t, id, 5000);
            Resources.await("media in cycle " + i, 15_000, () -> s.driver().counters().videoPackets() >= 10);
        } catch (RuntimeException | AssertionError e) {
            pub.vanish();
            throw e;
        }
        if (i % 10 == 9) {
            pub.vanish(); // consent expiry ends it
        } else if (i % 10 == 4) {
            if (t.postJson("/api/input/" + id + "/unregister", "{}").statusCode() != 200) {
                throw new IllegalStateException("unregister failed");
            }
            pub.vanish();
        } else {
            int status = pub.deleteAndClose();
            if (status != 200) {
                throw new IllegalStateException("DELETE -> " + status);
            }
        }
        Resources.await("cycle " + i + " closed", 15_000, () -> s.driver().isClosed());
    }

    // ---- soak ----

    private record Sample(double atSeconds, Resources res, long heapUsed, long video, long audio) {
    }

    private void soak() throws Exception {
        int warmupSeconds = Math.min(60, soakSeconds / 4);
        System.out.printf(Locale.ROOT, "soak: %d inputs at ~1 Mbit/s each for %d s, sampling every %d s"
                + " (warm-up %d s)%n", inputs, soakSeconds, sampleSeconds, warmupSeconds);
        try (TestServer t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "10000"))) {
            List<StreamingPublisher> pubs = new ArrayList<>();
            List<WebRtcTransport.LiveSession> sessions = new ArrayList<>();
            try {
                for (int k = 0; k < inputs; k++) {
                    String id = "soak-" + k;
                    String token = t.register(id, "");
                    pubs.add(StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 1000));
                    sessions.add(FaultTools.awaitLive(t, id, 5000));
                }
                List<Sample> samples = new ArrayList<>();
                long start = System.nanoTime();
                long next = start;
                long baseHeap = -1;
                Sample base = null;
                while (true) {
                    long now = System.nanoTime();
                    double at = (now - start) / 1e9;
                    long video = 0;
                    long audio = 0;
                    for (WebRtcTransport.LiveSession s : sessions) {
                        SessionCounters.Snapshot c = s.driver().counters();
                        video += c.videoPackets();
                        audio += c.audioPackets();
                    }
                    Runtime rt = Runtime.getRuntime();
                    Sample sample = new Sample(at, Resources.sample(), rt.totalMemory() - rt.freeMemory(), video, audio);
                    samples.add(sample);
                    Sample prev = samples.size() > 1 ? samples.get(samples.size() - 2) : null;
                    double rate = prev == null ? 0 : (video - prev.video()) / (at - prev.atSeconds());
                    System.out.printf(Locale.ROOT, "soak: t=%5.0f s  %s  video %6.0f pkt/s%n", at,
                            describe(sample.res(), sample.heapUsed()), rate);
                    if (base == null && at >= warmupSeconds) {
                        baseHeap = liveHeap();
                        base = new Sample(at, Resources.sample(), baseHeap, video, audio);
                        System.out.println("soak: warm-up over    " + describe(base.res(), baseHeap));
                    }
                    for (int k = 0; k < sessions.size(); k++) {
                        if (sessions.get(k).driver().isClosed()) {
                            failures.add("soak-" + k + " session ended during the soak");
                            return;
                        }
                    }
                    if (at >= soakSeconds) {
                        break;
                    }
                    next += sampleSeconds * 1_000_000_000L;
                    long sleep = Math.min(next, start + soakSeconds * 1_000_000_000L) - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
                long endHeap = liveHeap();
                Sample end = samples.get(samples.size() - 1);
                Resources endRes = Resources.sample();
                double span = end.atSeconds() - base.atSeconds();
                double expectedVideo = inputs * 100.0 * end.atSeconds();
                long lost = 0;
                for (int k = 0; k < inputs; k++) {
                    Object l = t.server.registry().get("soak-" + k).orElseThrow().videoStats()
                            .toJson(System.nanoTime()).get("packets_lost");
                    lost += l instanceof Number n ? n.longValue() : 0;
                }
                System.out.printf(Locale.ROOT, "soak: %d inputs, %.0f s: %d video + %d audio packets received"
                                + " (%.1f%% of the video sent on schedule), %d reported lost%n", inputs, end.atSeconds(),
                        end.video(), end.audio(), 100.0 * end.video() / Math.max(1, expectedVideo), lost);
                System.out.printf(Locale.ROOT, "soak: growth over the %.0f s after warm-up: RSS %+.1f MiB"
                                + " (slope %+.1f MiB/h), live heap %+.2f MiB, fds %+d, platform threads %+d, all threads %+d%n",
                        span, (endRes.rssKiB() - base.res().rssKiB()) / MIB, rssSlopeMiBPerHour(samples, base.atSeconds()),
                        (endHeap - baseHeap) / MIB / MIB, endRes.fds() - base.res().fds(),
                        endRes.platformThreads() - base.res().platformThreads(),
                        endRes.allThreads() - base.res().allThreads());
                if (endRes.fds() - base.res().fds() > 4) {
                    failures.add("file descriptors grew during the soak");
                }
                if (endRes.allThreads() - base.res().allThreads() > 4) {
                    failures.add("threads grew during the soak");
                }
            } finally {
                for (StreamingPublisher p : pubs) {
                    try {
                        p.deleteAndClose();
                    } catch (java.io.IOException e) {
                        p.vanish();
                    }
                }
            }
        }
    }

    /** Least-squares slope of RSS over the samples after warm-up, in MiB per hour. */
    static double rssSlopeMiBPerHour(List<Sample> samples, double fromSeconds) {
        List<Sample> s = samples.stream().filter(x -> x.atSeconds() >= fromSeconds).toList();
        if (s.size() < 2) {
            return 0;
        }
        double n = s.size();
        double mx = s.stream().mapToDouble(Sample::atSeconds).sum() / n;
        double my = s.stream().mapToDouble(x -> x.res().rssKiB() / MIB).sum() / n;
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            num += (x.atSeconds() - mx) * (x.res().rssKiB() / MIB - my);
            den += (x.atSeconds() - mx) * (x.atSeconds() - mx);
        }
        return den == 0 ? 0 : num / den * 3600;
    }
}
