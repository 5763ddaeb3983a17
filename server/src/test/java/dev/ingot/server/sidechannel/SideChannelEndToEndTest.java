package dev.ingot.server.sidechannel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.TestServer;
import dev.ingot.server.interop.InteropAccess;
import dev.ingot.server.queue.QueueTick;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A program written against Smelter's side-channel format receives live decoded video and audio from a real
 * WHIP publisher (FFmpeg) through Ingot: frames at the right size with rising PTS, audio at 48 kHz, the
 * {@code delay_ms} lead before the queue consumes each frame, and a reader that stops reading slows no one.
 */
class SideChannelEndToEndTest {
    private static final int SECONDS = 6;

    @Test
    void aReaderGetsLiveFramesAndAudioWithTheLeadTimeAndAStalledReaderSlowsNoOne() throws Exception {
        InteropAccess.requireFfmpeg();
        try (TestServer t = new TestServer(Map.of("INGOT_BIND_ADDRESS", "127.0.0.1", "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1"))) {
            String token = t.register("sc", "\"side_channel\":{\"video\":true,\"audio\":true,\"delay_ms\":200}");
            assertThat(t.postJson("/api/start", "{}").statusCode()).isEqualTo(200);
            Path dir = t.server.sideChannelDir();
            assertThat(dir.resolve("video_sc.sock")).exists();
            assertThat(dir.resolve("audio_sc.sock")).exists();

            // when the queue first consumes each of this input's frames (by the frame's media PTS)
            Map<Long, Long> consumedAt = new ConcurrentHashMap<>();
            t.server.queue().addConsumer((QueueTick tick) -> {
                var f = tick.video().get("sc");
                if (f != null) {
                    consumedAt.putIfAbsent(f.ptsNanos(), System.nanoTime());
                }
            });

            TestReader stalled = TestReader.connect(dir.resolve("video_sc.sock")); // connects, never reads
            List<long[]> frames = new CopyOnWriteArrayList<>(); // {pts, arrivalNanos, width, height}
            List<long[]> audio = new CopyOnWriteArrayList<>(); // {pts, sampleRate, channels}
            Thread videoReader = Thread.ofPlatform().start(() -> {
                try (TestReader r = TestReader.connect(dir.resolve("video_sc.sock"))) {
                    while (true) {
                        TestReader.Video v = r.readVideo();
                        frames.add(new long[] {v.ptsNanos(), System.nanoTime(), v.width(), v.height()});
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });
            Thread audioReader = Thread.ofPlatform().start(() -> {
                try (TestReader r = TestReader.connect(dir.resolve("audio_sc.sock"))) {
                    while (true) {
                        TestReader.Audio a = r.readAudio();
                        audio.add(new long[] {a.startPtsNanos(), a.sampleRate(), a.channels()});
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });

            int rc = InteropAccess.run("sidechannel-ffmpeg", List.of("interop/ffmpeg-whip.sh", t.whip + "/whip/sc", token,
                    Integer.toString(SECONDS)), Duration.ofSeconds(60), Map.of("INGOT_FFMPEG_VIDEO_SOURCE",
                    "testsrc2=size=640x360:rate=30"));
            assertThat(rc).isZero();
            Thread.sleep(600);
            var stats = TestServer.json(t.send("GET", t.api + "/stats", null, null)).get("inputs").get("sc");
            t.postJson("/api/input/sc/unregister", "{}");
            videoReader.join(5000);
            audioReader.join(5000);
            stalled.close();

            assertThat(frames).isNotEmpty();
            long first = frames.get(0)[0];
            long last = frames.get(frames.size() - 1)[0];
            long expected = Math.round((last - first) * 30 / 1e9) + 1;
            boolean rising = true;
            for (int i = 1; i < frames.size(); i++) {
                rising &= frames.get(i)[0] > frames.get(i - 1)[0];
            }
            // Side-channel PTS are queue PTS, the queue's frames carry media PTS: the two differ by the input's fixed
            // timeline offset, found as the most common difference between the two sets.
            Map<Long, Integer> votes = new java.util.HashMap<>();
            for (long[] f : frames) {
                for (long m : consumedAt.keySet()) {
                    votes.merge(f[0] - m, 1, Integer::sum);
                }
            }
            long offset = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
            // lead time: how long before the queue consumed a frame did the reader have it
            long[] leads = frames.stream().filter(f -> consumedAt.containsKey(f[0] - offset))
                    .mapToLong(f -> consumedAt.get(f[0] - offset) - f[1]).sorted().toArray();
            double medianLeadMs = leads.length == 0 ? Double.NaN : leads[leads.length / 2] / 1e6;
            System.out.printf("[side-channel] video: %d frames of %d expected (%.1f%%), %dx%d, PTS rising %s;"
                    + " audio: %d batches at %d Hz x%d; lead before the queue: median %.1f ms over %d frames"
                    + " (min %.1f, max %.1f); stalled reader drops: %s%n", frames.size(), expected,
                    100.0 * frames.size() / expected, frames.get(0)[2], frames.get(0)[3], rising, audio.size(),
                    audio.isEmpty() ? 0 : audio.get(0)[1], audio.isEmpty() ? 0 : audio.get(0)[2], medianLeadMs,
                    leads.length, leads.length == 0 ? Double.NaN : leads[0] / 1e6,
                    leads.length == 0 ? Double.NaN : leads[leads.length - 1] / 1e6, stats.get("side_channel"));
            assertThat(frames.size()).as("frames read of %d expected", expected).isGreaterThanOrEqualTo((int) (expected * 0.9));
            assertThat(frames.get(0)[2] + "x" + frames.get(0)[3]).isEqualTo("640x360");
            assertThat(rising).as("PTS rise").isTrue();
            assertThat(audio.size()).isGreaterThanOrEqualTo(SECONDS * 50 * 8 / 10);
            assertThat(audio.get(0)[1]).isEqualTo(48_000);
            assertThat(leads.length).as("frames both read and consumed").isGreaterThan(30);
            // delay_ms=200: every frame reaches the reader at least ~200 ms before the queue uses it; more when the
            // publisher sent a backlog in a burst (FFmpeg does after its handshake), never less
            double p10LeadMs = leads[leads.length / 10] / 1e6;
            assertThat(p10LeadMs).as("10th percentile lead, ms").isBetween(150.0, 2000.0);
            assertThat(stats.get("side_channel").get("video_dropped").asLong()).as("the stalled reader's drops")
                    .isGreaterThan(0);
            assertThat(Files.exists(dir.resolve("video_sc.sock"))).as("files removed on unregister").isFalse();
        }
    }
}
