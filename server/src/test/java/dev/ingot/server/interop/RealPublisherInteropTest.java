package dev.ingot.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.session.SessionCounters;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.net.WebRtcTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real WHIP publishers — headless Chromium (playwright-core), FFmpeg 8.1's whip muxer and GStreamer webrtcbin —
 * publish to a started Ingot over real ICE/DTLS/SRTP. Every assertion is on the server's side: ICE connected,
 * DTLS done, authenticated SRTP audio and video, no authentication failures, clean teardown after DELETE.
 */
class RealPublisherInteropTest {
    /** The test host: a network namespace joined to this machine by a veth pair (interop/netns.sh). */
    static final String NETNS = "ingot-interop";
    static final String HOST_SIDE = "169.254.77.1";
    static TestServer t;
    static boolean netnsUp;
    static final MediaProbe probe = new MediaProbe();

    @BeforeAll
    static void start() throws Exception {
        // Candidates only on loopback and the veth pair: no test traffic leaves these addresses.
        t = new TestServer(Map.of("INGOT_BIND_ADDRESS", "0.0.0.0",
                "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1," + HOST_SIDE));
        t.server.addMediaListener(probe);
        t.postJson("/api/start", "{}"); // queue PTS count from the start
        netnsUp = InteropTools.run("netns-up", List.of("bash", "interop/netns.sh", "up", NETNS),
                Duration.ofSeconds(20)) == 0;
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
        InteropTools.run("netns-down", List.of("bash", "interop/netns.sh", "down", NETNS), Duration.ofSeconds(20));
    }

    /** The WHIP base URL as seen from inside the namespace. */
    private static String whipFromNamespace() {
        InteropTools.require("a network namespace with a veth pair (needs root and iproute2)", netnsUp);
        return "http://" + HOST_SIDE + ":" + t.server.whipPort();
    }

    /** Watches an input from another thread while the publisher runs, keeping the session it saw. */
    private static CompletableFuture<WebRtcTransport.LiveSession> watch(String id) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                RegisteredInput in = t.server.registry().get(id).orElse(null);
                WebRtcTransport.LiveSession s = in == null ? null : t.server.transport().sessionOf(in).orElse(null);
                if (s != null && s.srtpReady()) {
                    return s;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return null;
                }
            }
            return null;
        });
    }

    private static void assertDelivered(String id, WebRtcTransport.LiveSession live, int minVideo, int minAudio,
            AtomicReference<SessionCounters.Snapshot> last) throws InterruptedException {
        assertThat(live).as("a session on %s reached SRTP (ICE connected + DTLS done)", id).isNotNull();
        // the publisher DELETEs at its end: the session must be gone and its socket closed
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!live.driver().isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(live.driver().isClosed()).as("session closed after DELETE").isTrue();
        assertThat(live.driver().endpoint().isClosed()).as("UDP socket closed").isTrue();
        assertThat(t.server.transport().sessions()).doesNotContain(live);
        assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.WAITING_FOR_PUBLISHER);
        SessionCounters.Snapshot c = live.driver().counters();
        System.out.printf("[interop] %s: video %d packets (%d RTX), audio %d packets, auth failures %d, rtcp in %d out %d%n",
                id, c.videoPackets(), c.videoRtxPackets(), c.audioPackets(), c.srtpAuthFailures(), c.rtcpPackets(), c.rtcpSent());
        assertThat(c.srtpAuthFailures()).as("SRTP authentication failures").isZero();
        assertThat(c.videoPackets()).as("authenticated video packets").isGreaterThanOrEqualTo(minVideo);
        assertThat(c.audioPackets()).as("authenticated audio packets").isGreaterThanOrEqualTo(minAudio);
        assertThat(c.rtcpSent()).as("receiver reports sent").isPositive();
    }

    /** What the server decoded: enough frames at the expected size with rising PTS, and audio at 48 kHz. */
    private static MediaProbe.Seen assertDecoded(String id, int minFrames, int width, int height) {
        MediaProbe.Seen s = probe.of(id);
        System.out.printf("[interop] %s decoded: %d frames %dx%d, %d audio batches at %d Hz x%d, tone %.1f Hz%n", id,
                s.frames, s.width, s.height, s.audioBatches, s.sampleRate, s.channels, MediaProbe.toneHz(s));
        assertThat(s.frames).as("decoded video frames").isGreaterThanOrEqualTo(minFrames);
        if (width > 0) {
            assertThat(s.width + "x" + s.height).isEqualTo(width + "x" + height);
        }
        assertThat(s.ptsRising).as("video PTS rise").isTrue();
        assertThat(s.audioBatches).as("decoded audio batches").isGreaterThanOrEqualTo(100);
        assertThat(s.sampleRate).isEqualTo(48_000);
        return s;
    }

    @ParameterizedTest(name = "Chromium publishes {0} + Opus from a network namespace")
    @ValueSource(strings = {"h264", "vp8", "vp9"})
    void chromiumPublishes(String codec) throws Exception {
        InteropTools.requireChromium();
        String id = "chromium-" + codec;
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_" + codec + "\"]}");
        CompletableFuture<WebRtcTransport.LiveSession> live = watch(id);
        // inside the namespace Chromium has one interface (the veth): its checks come from there alone
        int rc = InteropTools.run(id, List.of("ip", "netns", "exec", NETNS, "node", "interop/chromium-whip.mjs",
                whipFromNamespace() + "/whip/" + id, token, "--duration", "5", "--codec", codec), Duration.ofSeconds(90));
        assertThat(rc).as("chromium-whip exit code").isZero();
        assertDelivered(id, live.get(), 60, 100, null);
        assertDecoded(id, 50, 0, 0);
    }

    @Test
    void ffmpegPublishesH264AndOpusWithIngotAsDtlsClient() throws Exception {
        InteropTools.requireFfmpeg();
        String id = "ffmpeg-h264";
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
        CompletableFuture<WebRtcTransport.LiveSession> live = watch(id);
        // SMPTE bars: a still picture the test can render itself and compare with what Ingot decoded
        String source = "smptebars=size=640x360:rate=30";
        int rc = InteropTools.run(id, List.of("interop/ffmpeg-whip.sh", t.whip + "/whip/" + id, token, "5"),
                Duration.ofSeconds(60), Map.of("INGOT_FFMPEG_VIDEO_SOURCE", source));
        assertThat(rc).as("ffmpeg exit code").isZero();
        WebRtcTransport.LiveSession s = live.get();
        assertThat(s.negotiated().dtlsRole()).isEqualTo(dev.ingot.rtc.sdp.DtlsRole.CLIENT);
        assertDelivered(id, s, 60, 100, null);
        MediaProbe.Seen seen = assertDecoded(id, 100, 640, 360);
        assertThat(MediaProbe.toneHz(seen)).as("the 440 Hz sine comes out of the decoded PCM").isBetween(435.0, 445.0);
        assertThat(seen.channels).isEqualTo(2);
        java.nio.file.Path reference = java.nio.file.Files.createTempFile("bars", ".rgba");
        assertThat(InteropTools.run(id + "-reference", List.of("interop/ffmpeg", "-y", "-hide_banner", "-loglevel", "error",
                "-f", "lavfi", "-i", source, "-frames:v", "1", "-pix_fmt", "rgba", "-f", "rawvideo", reference.toString()),
                Duration.ofSeconds(30))).isZero();
        double psnr = MediaProbe.psnr(java.nio.file.Files.readAllBytes(reference), seen.rgba);
        System.out.printf("[interop] %s: PSNR of a decoded frame against the source pattern: %.1f dB%n", id, psnr);
        assertThat(psnr).as("decoded picture matches the SMPTE bars").isGreaterThanOrEqualTo(30.0);
    }

    @Test
    void gstreamerWebrtcbinPublishesH264AndOpusAcrossAVethPair() throws Exception {
        InteropTools.requireGstreamer();
        String id = "gstreamer-h264";
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
        CompletableFuture<WebRtcTransport.LiveSession> live = watch(id);
        // libnice ignores loopback-only interfaces: webrtcbin runs on the test host across the veth pair
        int rc = InteropTools.run(id, List.of("ip", "netns", "exec", NETNS, "/usr/bin/python3", "interop/gst-whip.py",
                whipFromNamespace() + "/whip/" + id, token, "--duration", "5", "--codec", "h264"), Duration.ofSeconds(60));
        assertThat(rc).as("gst-whip exit code").isZero();
        assertDelivered(id, live.get(), 100, 100, null);
        MediaProbe.Seen seen = assertDecoded(id, 60, 0, 0);
        assertThat(MediaProbe.toneHz(seen)).as("GStreamer's 440 Hz sine in the decoded PCM").isBetween(435.0, 445.0);
    }
}
