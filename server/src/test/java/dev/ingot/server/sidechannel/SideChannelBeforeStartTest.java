package dev.ingot.server.sidechannel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.server.TestServer;
import dev.ingot.server.interop.InteropAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Smelter's side channel sends nothing until {@code POST /api/start} (its queue has no start time before, so PTS
 * would mean nothing): readers connected earlier get nothing while a real publisher (FFmpeg) streams and the input
 * decodes, then, from the start on, frames and audio with PTS measured from the start.
 */
class SideChannelBeforeStartTest {
    private static final long MS = 1_000_000L;

    @Test
    void readersGetNothingBeforeTheStartThenMediaWithPtsFromTheStart() throws Exception {
        InteropAccess.requireFfmpeg();
        try (TestServer t = new TestServer(Map.of("SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1"))) {
            String token = t.register("early", "\"side_channel\":{\"video\":true,\"audio\":true}");
            Path dir = t.server.sideChannelDir();
            List<long[]> video = new CopyOnWriteArrayList<>(); // {pts, arrival}
            List<long[]> audio = new CopyOnWriteArrayList<>();
            Thread videoReader = reader(dir.resolve("video_early.sock"), true, video);
            Thread audioReader = reader(dir.resolve("audio_early.sock"), false, audio);
            Thread publisher = InteropAccess.publishWithFfmpeg("sidechannel-before-start", t.whip + "/whip/early",
                    token, 12);

            // the input decodes (60 frames: two seconds of media) while nobody has started the queue
            long deadline = System.nanoTime() + 40_000 * MS;
            while (decodedFrames(t) < 60 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(decodedFrames(t)).as("frames decoded before the start").isGreaterThanOrEqualTo(60);
            assertThat(video).as("video sent before the start").isEmpty();
            assertThat(audio).as("audio sent before the start").isEmpty();

            long before = System.nanoTime();
            assertThat(t.postJson("/api/start", "{}").statusCode()).isEqualTo(200);
            long after = System.nanoTime();
            deadline = System.nanoTime() + 20_000 * MS;
            while ((video.size() < 30 || audio.size() < 50) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            t.postJson("/api/input/early/unregister", "{}");
            publisher.join(30_000);
            videoReader.join(5_000);
            audioReader.join(5_000);

            assertThat(video.size()).as("frames after the start").isGreaterThanOrEqualTo(30);
            assertThat(audio.size()).as("audio batches after the start").isGreaterThanOrEqualTo(50);
            for (List<long[]> media : List.of(video, audio)) {
                // PTS are measured from the start: the first item's PTS is about its arrival time after the start
                // (plus the 80 ms head start), never 0 for everything and never ahead of its arrival by more than that
                long firstPts = media.get(0)[0];
                long arrivalAfterStart = media.get(0)[1] - before;
                assertThat(firstPts).as("first PTS").isPositive();
                assertThat(firstPts).as("first PTS vs its arrival after the start")
                        .isBetween(media.get(0)[1] - after - 1_000 * MS, arrivalAfterStart + 1_000 * MS);
                assertThat(media.get(media.size() - 1)[0]).as("PTS rise").isGreaterThan(firstPts);
            }
        }
    }

    private static long decodedFrames(TestServer t) {
        JsonNode in = TestServer.json(t.send("GET", t.api + "/stats", null, null)).get("inputs").get("early");
        return in == null || in.get("video_frames_decoded") == null ? 0 : in.get("video_frames_decoded").asLong();
    }

    private static Thread reader(Path socket, boolean isVideo, List<long[]> into) {
        return Thread.ofPlatform().start(() -> {
            try (TestReader r = TestReader.connect(socket)) {
                while (true) {
                    long pts = isVideo ? r.readVideo().ptsNanos() : r.readAudio().startPtsNanos();
                    into.add(new long[] {pts, System.nanoTime()});
                }
            } catch (IOException e) {
                // the server closes the socket on unregister
            }
        });
    }
}
