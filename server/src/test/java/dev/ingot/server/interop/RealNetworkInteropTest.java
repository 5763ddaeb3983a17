package dev.ingot.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.TestServer;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.net.WebRtcTransport;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real publishers in the situations of real networks, Ingot at its default settings: sessions that last and
 * publishers that come back (disconnected after 5 s of silence, closed after 30 s): FFmpeg killed with SIGKILL (no
 * DELETE) publishes again 6 s later; GStreamer's webrtcbin, which sends no consent checks once ICE completes,
 * publishes for a minute and every frame it encoded while connected is decoded. Loss: FFmpeg answers our NACKs
 * (sent alone, as it needs). Reordering: DTLS completes in both roles when what the publisher sends is delayed by
 * 0-40 ms (so it arrives out of order) and 5 % of it is lost.
 */
class RealNetworkInteropTest {
    /** A network namespace of this test's own, joined by a veth pair (interop/netns.sh). */
    static final String NETNS = "rtxrealnet";
    static final String HOST_SIDE = "169.254.82.1";
    static TestServer t;
    static boolean netnsUp;
    static final MediaProbe probe = new MediaProbe();

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(Map.of("INGOT_BIND_ADDRESS", "0.0.0.0",
                "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1," + HOST_SIDE));
        t.server.addMediaListener(probe);
        t.postJson("/api/start", "{}");
        netnsUp = InteropTools.run("netns-up-realnet", List.of("bash", "interop/netns.sh", "up", NETNS,
                HOST_SIDE + "/30", "169.254.82.2/30"), Duration.ofSeconds(20)) == 0;
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
        InteropTools.run("netns-down-realnet", List.of("bash", "interop/netns.sh", "down", NETNS),
                Duration.ofSeconds(20));
    }

    private static WebRtcTransport.LiveSession live(String id) {
        RegisteredInput in = t.server.registry().get(id).orElse(null);
        return in == null ? null : t.server.transport().sessionOf(in).orElse(null);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void ffmpegKilledWithoutDeletePublishesAgainSixSecondsLater() throws Exception {
        InteropTools.requireFfmpeg();
        String id = "ffmpeg-killed";
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
        String url = t.whip + "/whip/" + id;
        Process first = InteropTools.start(id + "-first", List.of("interop/ffmpeg-whip.sh", url, token));
        WebRtcTransport.LiveSession firstSession;
        try {
            await("the first FFmpeg's frames decoded", Duration.ofSeconds(60), () -> probe.of(id).frames >= 30);
            firstSession = live(id);
            assertThat(firstSession).isNotNull();
            // SIGKILL FFmpeg itself (not its wrapper script): no DELETE, no goodbye
            List<ProcessHandle> ffmpegs = first.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false)).toList();
            assertThat(ffmpegs).as("the ffmpeg process").isNotEmpty();
            ffmpegs.forEach(ProcessHandle::destroyForcibly);
        } finally {
            first.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            first.destroyForcibly();
        }
        long killedAt = System.nanoTime();
        Thread.sleep(6_000);
        System.out.printf("[interop] %s: 6 s after SIGKILL the session is %s%n", id,
                firstSession.driver().isClosed() ? "closed" : firstSession.disconnected() ? "disconnected" : "live");
        assertThat(firstSession.disconnected()).as("silent for 6 s: disconnected").isTrue();
        assertThat(firstSession.driver().isClosed()).as("not closed before the consent timeout").isFalse();

        int framesBefore = probe.of(id).frames;
        double postAfter = (System.nanoTime() - killedAt) / 1e9;
        int rc = InteropTools.run(id + "-again", List.of("interop/ffmpeg-whip.sh", url, token, "5"),
                Duration.ofSeconds(60));
        assertThat(rc).as("the second FFmpeg's exit code (its POST got 201)").isZero();
        assertThat(firstSession.driver().isClosed()).as("the disconnected session was replaced").isTrue();
        int framesAgain = probe.of(id).frames - framesBefore;
        System.out.printf("[interop] %s: POST %.1f s after the kill, %d frames decoded from the new publisher%n",
                id, postAfter, framesAgain);
        assertThat(framesAgain).as("frames decoded from the new publisher").isGreaterThanOrEqualTo(60);
        assertThat(Files.readString(InteropTools.log(id + "-again"))).doesNotContain("HTTP error 409");
    }

    /**
     * FFmpeg's WHIP muxer reads a NACK only when it is alone in its datagram: its offer is recognised and our
     * feedback goes alone, so with some of its video lost on the way it answers our NACKs with RTX.
     */
    @Test
    void ffmpegAnswersOurNacksWithRtx() throws Exception {
        InteropTools.requireFfmpeg();
        String id = "ffmpeg-nack";
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        t.server.transport().inboundFilter(next -> !(next instanceof dev.ingot.server.net.SessionDriver d)
                || !d.inputId().equals(id) ? next : (buf, off, len, from, now) -> {
                    // drop 3 % of RTP (not RTCP, STUN or DTLS) from this publisher
                    boolean rtp = (buf[off] & 0xC0) == 0x80 && ((buf[off + 1] & 0xff) < 192 || (buf[off + 1] & 0xff) > 223);
                    boolean drop;
                    synchronized (rng) {
                        drop = rtp && rng.nextDouble() < 0.03;
                    }
                    if (drop) {
                        dropped.incrementAndGet();
                    } else {
                        next.onDatagram(buf, off, len, from, now);
                    }
                });
        java.util.concurrent.atomic.AtomicReference<WebRtcTransport.LiveSession> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (seen.get() == null && !Thread.currentThread().isInterrupted()) {
                seen.set(live(id));
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        int rc;
        try {
            rc = InteropTools.run(id, List.of("interop/ffmpeg-whip.sh", t.whip + "/whip/" + id, token, "8"),
                    Duration.ofSeconds(60));
        } finally {
            watcher.interrupt();
            t.server.transport().inboundFilter(h -> h);
        }
        assertThat(rc).isZero();
        WebRtcTransport.LiveSession s = seen.get();
        assertThat(s).isNotNull();
        var c = s.driver().counters();
        long[] nack = s.driver().withSession(x -> x.feedback().nackFigures());
        System.out.printf("[interop] %s: %d RTP datagrams dropped; NACKed %d, %d RTX packets, recovered %d%n", id,
                dropped.get(), nack[0], c.videoRtxPackets(), nack[1]);
        assertThat(s.negotiated().feedbackAloneOnly()).isTrue();
        assertThat(nack[0]).as("NACKs sent").isPositive();
        assertThat(c.videoRtxPackets()).as("FFmpeg's RTX answers").isPositive();
        assertThat(nack[1]).as("recovered").isPositive();
    }

    @Test
    void gstreamerPublishesForAMinuteWithoutConsentChecksAndEveryFrameArrives() throws Exception {
        InteropTools.requireGstreamer();
        InteropTools.require("a network namespace with a veth pair (needs root and iproute2)", netnsUp);
        String id = "gstreamer-minute";
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
        int rc = InteropTools.run(id, List.of("ip", "netns", "exec", NETNS, "/usr/bin/python3", "interop/gst-whip.py",
                "http://" + HOST_SIDE + ":" + t.server.whipPort() + "/whip/" + id, token, "--duration", "60",
                "--codec", "h264", "--size", "640x360"), Duration.ofSeconds(150));
        assertThat(rc).as("gst-whip exit code").isZero();
        String log = Files.readString(InteropTools.log(id));
        assertThat(log).as("the session lasted until the publisher's DELETE").contains("deleted HTTP 200");
        Matcher m = Pattern.compile("frames encoded=(\\d+) while-connected=(\\d+)").matcher(log);
        assertThat(m.find()).as("gst-whip's frame count line").isTrue();
        int sent = Integer.parseInt(m.group(2));
        int decoded = probe.of(id).frames;
        System.out.printf("[interop] %s: %d frames encoded while connected, %d decoded%n", id, sent, decoded);
        assertThat(sent).as("a minute at 30 fps").isGreaterThanOrEqualTo(1700);
        // the last few frames can still be in the jitter buffer when the DELETE ends the session
        assertThat(decoded).as("decoded frames").isGreaterThanOrEqualTo(sent - 6);
    }

    /**
     * What the publisher sends (all but STUN) is delayed by 0-40 ms each, so datagrams overtake each other, and 5 %
     * of it is lost; Ingot's answers go straight. FFmpeg makes Ingot the DTLS client, GStreamer the server. Every
     * handshake must complete; the times (Ingot's "DTLS done" log lines) are printed, not asserted.
     */
    @Test
    void dtlsCompletesInBothRolesWhenThePublishersDatagramsArriveOutOfOrderAndSomeAreLost() throws Exception {
        InteropTools.requireFfmpeg();
        InteropTools.requireGstreamer();
        InteropTools.require("a network namespace with a veth pair (needs root and iproute2)", netnsUp);
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.ingot.server.net.SessionDriver.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        var delayer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        t.server.transport().inboundFilter(next -> !(next instanceof dev.ingot.server.net.SessionDriver d)
                || !d.inputId().startsWith("reorder-") ? next : (buf, off, len, from, now) -> {
                    if ((buf[off] & 0xff) <= 3) {
                        next.onDatagram(buf, off, len, from, now); // STUN: as is
                        return;
                    }
                    long delayMicros;
                    synchronized (rng) {
                        if (rng.nextDouble() < 0.05) {
                            return;
                        }
                        delayMicros = rng.nextLong(40_001);
                    }
                    byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
                    delayer.schedule(() -> next.onDatagram(copy, 0, copy.length, from, System.nanoTime()),
                            delayMicros, java.util.concurrent.TimeUnit.MICROSECONDS);
                });
        int runs = 4;
        try {
            for (int i = 1; i <= runs; i++) {
                String id = "reorder-ffmpeg-" + i;
                String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
                assertThat(InteropTools.run(id, List.of("interop/ffmpeg-whip.sh", t.whip + "/whip/" + id, token, "3"),
                        Duration.ofSeconds(60))).as(id).isZero();
            }
            for (int i = 1; i <= runs; i++) {
                String id = "reorder-gstreamer-" + i;
                String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
                assertThat(InteropTools.run(id, List.of("ip", "netns", "exec", NETNS, "/usr/bin/python3",
                        "interop/gst-whip.py", "http://" + HOST_SIDE + ":" + t.server.whipPort() + "/whip/" + id, token,
                        "--duration", "2", "--size", "640x360"), Duration.ofSeconds(60))).as(id).isZero();
            }
        } finally {
            t.server.transport().inboundFilter(h -> h);
            delayer.shutdownNow();
            logger.detachAppender(lines);
        }
        List<String> done = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("input=reorder-") && m.contains(" DTLS done as ")).toList();
        done.forEach(m -> System.out.println("[interop] " + m));
        assertThat(done).as("handshakes completed").hasSize(2 * runs);
    }
}
