package dev.ingot.server.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.interop.InteropAccess;
import dev.ingot.server.net.LoopbackPublisher;
import dev.ingot.server.net.WebRtcTransport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Smelter's per-track {@code /stats} figures from Ingot over HTTP, with media from a publisher: the bitrate counts
 * RTP payload bytes (as Smelter does), and the jitter buffer's {@code effective_buffer_*} and
 * {@code input_buffer_*} figures of the last 10 s are real (they were always 0.0).
 */
class StatsFiguresEndToEndTest {
    private static final long MS = 1_000_000L;
    /** An Opus frame of 20 ms of silence (TOC 0xF8: CELT fullband 20 ms, mono, one frame). */
    private static final byte[] OPUS_SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};

    @Test
    void bitrateCountsPayloadBytesAndTheAudioBufferFiguresAreMeasured() throws Exception {
        try (TestServer t = new TestServer()) {
            String token = t.register("payload", "");
            t.postJson("/api/start", "{}");
            int sent = 100;
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                HttpResponse<String> r = pub.post(t.whip + "/whip/payload", token, pub.offer(Setup.ACTPASS));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                pub.connect(r.body(), Duration.ofSeconds(10));
                RegisteredInput in = t.server.registry().get("payload").orElseThrow();
                WebRtcTransport.LiveSession live = t.server.transport().sessionOf(in).orElseThrow();
                await(live::srtpReady);
                for (int i = 0; i < sent; i++) { // 2 s of audio, paced as a publisher sends it
                    pub.sendRtp(false, OPUS_SILENCE, 960L * i, false);
                    Thread.sleep(20);
                }
                await(() -> in.audioStats().toJson(System.nanoTime()).get("packets_received").equals((long) sent));
                Thread.sleep(1_100); // the last packets' second is complete: the 1-minute figure has them all
                JsonNode audio = TestServer.json(t.send("GET", t.api + "/stats", null, null))
                        .get("inputs").get("payload").get("audio_rtp");
                System.out.println("[stats] audio_rtp " + audio);
                assertThat(audio.get("packets_received").asLong()).isEqualTo(sent);
                assertThat(audio.get("bitrate_1_minute").asLong()).as("payload bits per second over the minute")
                        .isEqualTo(sent * OPUS_SILENCE.length * 8L / 60);
                JsonNode l10 = audio.get("last_10_seconds");
                // audio's jitter buffer starts at min(SMELTER_INPUT_BUFFER_DURATION_MS, 60) = 60 ms, may grow 80 ms
                assertThat(l10.get("input_buffer_min_seconds").asDouble()).isBetween(0.060, 0.140);
                assertThat(l10.get("input_buffer_max_seconds").asDouble()).isBetween(0.060, 0.140);
                assertThat(l10.get("effective_buffer_on_write_avg_seconds").asDouble()).isPositive();
                assertThat(l10.get("effective_buffer_on_pop_avg_seconds").asDouble()).isPositive();
                // a packet waits in the buffer: it has less time left when it leaves than when it came
                assertThat(l10.get("effective_buffer_on_write_avg_seconds").asDouble())
                        .isGreaterThan(l10.get("effective_buffer_on_pop_avg_seconds").asDouble());
                assertThat(l10.get("effective_buffer_on_write_max_seconds").asDouble()).isLessThan(2.0);
            }
        }
    }

    @Test
    void aRealPublishersVideoHasRealBufferFigures() throws Exception {
        InteropAccess.requireFfmpeg();
        try (TestServer t = new TestServer(Map.of("SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1"))) {
            String token = t.register("ffmpeg", "");
            t.postJson("/api/start", "{}");
            JsonNode[] seen = new JsonNode[1];
            Thread publisher = InteropAccess.publishWithFfmpeg("stats-figures-ffmpeg", t.whip + "/whip/ffmpeg",
                    token, 8);
            // read the figures while it streams, once a few seconds of video have gone through
            await(() -> {
                JsonNode in = TestServer.json(t.send("GET", t.api + "/stats", null, null)).get("inputs").get("ffmpeg");
                seen[0] = in;
                return in.get("video_frames_decoded") != null && in.get("video_frames_decoded").asLong() >= 120;
            });
            publisher.join(60_000);
            JsonNode video = seen[0].get("video_rtp");
            System.out.println("[stats] video_rtp " + video);
            JsonNode l10 = video.get("last_10_seconds");
            // the default video buffer: floor 80 ms (SMELTER_INPUT_BUFFER_DURATION_MS), cap 320 ms
            assertThat(l10.get("input_buffer_min_seconds").asDouble()).isBetween(0.080, 0.320);
            assertThat(l10.get("input_buffer_max_seconds").asDouble()).isBetween(0.080, 0.320);
            assertThat(l10.get("effective_buffer_on_write_avg_seconds").asDouble()).isPositive();
            assertThat(l10.get("effective_buffer_on_pop_avg_seconds").asDouble()).isPositive();
            assertThat(l10.get("effective_buffer_on_write_avg_seconds").asDouble())
                    .isGreaterThan(l10.get("effective_buffer_on_pop_avg_seconds").asDouble());
            assertThat(video.get("bitrate_1_second").asLong()).isPositive();
            assertThat(seen[0].get("audio_rtp").get("last_10_seconds").get("input_buffer_avg_seconds").asDouble())
                    .isPositive();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 40_000 * MS; // generous on a loaded machine; not a timing assertion
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(50);
        }
    }
}
