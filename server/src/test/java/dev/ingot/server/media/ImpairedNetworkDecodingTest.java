package dev.ingot.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.TestServer;
import dev.ingot.server.pipeline.InputMediaListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * FFmpeg publishes a moving test pattern through an impaired network (5% of media packets lost, up to 40 ms of
 * random delay, so reordering too). Ingot's NACKs bring retransmissions, its jitter buffer waits for them, and
 * broken frames never reach the decoder: nearly every frame comes out, and every decoded frame matches the
 * source frame with the same index.
 */
class ImpairedNetworkDecodingTest {
    private static final int W = 320;
    private static final int H = 180;
    private static final int FPS = 30;
    private static final int SECONDS = 8;
    private static final String SOURCE = "testsrc2=size=" + W + "x" + H + ":rate=" + FPS;

    @Test
    void nearlyEveryFrameDecodesAndNoneIsCorrupted() throws Exception {
        dev.ingot.server.interop.InteropAccess.requireFfmpeg();
        Path reference = Files.createTempFile("testsrc2", ".rgba");
        assertThat(dev.ingot.server.interop.InteropAccess.run("impaired-reference", List.of("interop/ffmpeg", "-y",
                "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", SOURCE, "-frames:v",
                Integer.toString(FPS * (SECONDS + 2)), "-pix_fmt", "rgba", "-f", "rawvideo", reference.toString()),
                Duration.ofSeconds(60), Map.of())).isZero();
        byte[] ref = Files.readAllBytes(reference);
        int frameBytes = W * H * 4;

        List<long[]> decoded = new CopyOnWriteArrayList<>(); // {pts, psnr*100}
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        try (TestServer t = new TestServer(Map.of("INGOT_BIND_ADDRESS", "127.0.0.1",
                "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1"))) {
            List<ImpairedNetwork> nets = new ArrayList<>();
            t.server.transport().inboundFilter(h -> {
                ImpairedNetwork n = new ImpairedNetwork(h, 0.05, 40_000_000L);
                nets.add(n);
                return n;
            });
            long[] firstPts = {Long.MIN_VALUE};
            t.server.addMediaListener(new InputMediaListener() {
                @Override
                public void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos) {
                    try {
                        // the stream's first frames may be lost before decoding starts: find which source frame
                        // this is once (best match), then every later frame's index follows from its PTS
                        byte[] rgba = frame.rgbaArray();
                        if (firstPts[0] == Long.MIN_VALUE) {
                            int best = 0;
                            double bestPsnr = -1;
                            for (int k = 0; (k + 1) * frameBytes <= ref.length && k < FPS * 4; k++) {
                                double p = psnr(rgba, ref, k * frameBytes);
                                if (p > bestPsnr) {
                                    bestPsnr = p;
                                    best = k;
                                }
                            }
                            firstPts[0] = frame.ptsNanos() - best * 1_000_000_000L / FPS;
                        }
                        // PTS may move a little against the source (A/V sync by sender reports slews video by up
                        // to 1 ms a frame), so a frame is compared with the source frames around its index: a
                        // corrupted picture matches none of them
                        int index = (int) Math.round((frame.ptsNanos() - firstPts[0]) * FPS / 1e9);
                        double psnr = -1;
                        for (int k = Math.max(0, index - 3); k <= index + 3; k++) {
                            if ((k + 1) * frameBytes <= ref.length && rgba.length == frameBytes) {
                                psnr = Math.max(psnr, psnr(rgba, ref, k * frameBytes));
                            }
                        }
                        decoded.add(new long[] {index, Math.round(psnr * 100)});
                        seen.put(inputId, true);
                    } finally {
                        frame.release();
                    }
                }

                @Override
                public void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos) {
                }
            });
            // a lossy path: the publisher's operator gives the jitter buffer room for retransmissions (its floor)
            String token = t.register("impaired", "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]},"
                    + "\"buffer_size_ms\":800");
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(SECONDS * 1000L);
                    var in = TestServer.json(t.send("GET", t.api + "/stats", null, null)).get("inputs").get("impaired");
                    System.out.println("[impaired] pipeline: " + in.get("video_jitter_buffer_ms") + " ms video buffer, lost "
                            + in.get("video_jitter_buffer_lost") + ", late " + in.get("video_jitter_buffer_late")
                            + ", reordered " + in.get("video_reordered") + ", frames dropped broken "
                            + in.get("video_frames_dropped_broken") + ", waiting for keyframe "
                            + in.get("video_frames_dropped_waiting_for_keyframe"));
                } catch (Exception e) {
                    System.out.println("[impaired] no stats: " + e);
                }
            });
            int rc = dev.ingot.server.interop.InteropAccess.run("impaired-ffmpeg", List.of("interop/ffmpeg-whip.sh",
                    // FFmpeg's WHIP muxer answers NACKs but not PLI: a frame lost beyond repair costs the rest of
                    // its GOP, so the publisher sends a keyframe every 10 frames
                    t.whip + "/whip/impaired", token, Integer.toString(SECONDS), "-g", "10"), Duration.ofSeconds(90),
                    Map.of("INGOT_FFMPEG_VIDEO_SOURCE", SOURCE));
            assertThat(rc).isZero();
            Thread.sleep(500);
            System.out.println("[impaired] stats " + TestServer.json(t.send("GET", t.api + "/stats", null, null))
                    .get("inputs").get("impaired"));
            long dropped = nets.stream().mapToLong(n -> n.dropped.get()).sum();
            long passed = nets.stream().mapToLong(n -> n.passed.get()).sum();
            nets.forEach(ImpairedNetwork::stop);
            var stats = t.server.registry().get("impaired").orElseThrow().videoStats().toJson(System.nanoTime());
            int sent = FPS * SECONDS;
            long good = decoded.stream().filter(d -> d[1] >= 3000).count();
            double minPsnr = decoded.stream().mapToLong(d -> d[1]).min().orElse(0) / 100.0;
            System.out.printf("[impaired] network: %d media datagrams dropped, %d delivered (%.1f%% loss)%n", dropped,
                    passed, 100.0 * dropped / Math.max(1, dropped + passed));
            System.out.printf("[impaired] frames: sent %d, decoded %d (%.1f%%), matching the source (PSNR >= 30 dB) %d,"
                    + " lowest PSNR %.1f dB; packets recovered by RTX %s%n", sent, decoded.size(),
                    100.0 * decoded.size() / sent, good, minPsnr, stats.get("packets_recovered"));
            assertThat(dropped).as("the network really lost packets").isPositive();
            assertThat(decoded.size()).as("decoded frames out of %d sent", sent).isGreaterThanOrEqualTo((int) (sent * 0.98));
            assertThat(good).as("every decoded frame matches its source frame").isEqualTo(decoded.size());
        }
    }

    private static double psnr(byte[] a, byte[] ref, int refOff) {
        double se = 0;
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            if ((i & 3) == 3) {
                continue;
            }
            double d = (a[i] & 0xff) - (ref[refOff + i] & 0xff);
            se += d * d;
            n++;
        }
        double mse = se / n;
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
