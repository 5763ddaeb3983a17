package dev.ingot.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.server.TestServer;
import java.net.http.HttpResponse;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Where a Smelter script sees Smelter's behaviour from Ingot's control API (issue #14), over real HTTP against a
 * started server: the request bodies Smelter ignores, empty decoder preferences, the renderer defaults in
 * {@code /status}, the bound on Ingot's own {@code offset_ms}, and unregister requests scheduled in queue time.
 */
class SmelterParityTest {
    private static final long MS = 1_000_000L;

    @Test
    void emptyDecoderPreferencesMeanAny() {
        try (TestServer t = new TestServer()) {
            HttpResponse<String> r = t.postJson("/api/input/empty-prefs/register",
                    "{\"type\":\"whip_server\",\"video\":{\"decoder_preferences\":[]}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(t.server.registry().get("empty-prefs").orElseThrow().decoders()).extracting(Enum::name)
                    .containsExactly("FFMPEG_VP9", "FFMPEG_VP8", "FFMPEG_H264", "FFMPEG_HEVC", "FFMPEG_AV1");
        }
    }

    @Test
    void unregisterIgnoresFieldsItDoesNotKnow() {
        try (TestServer t = new TestServer()) {
            t.register("extra-fields", "");
            HttpResponse<String> r = t.postJson("/api/input/extra-fields/unregister", "{\"when\":1,\"reason\":\"done\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(t.server.registry().get("extra-fields")).isEmpty();
        }
    }

    @Test
    void startAndResetIgnoreTheirBodies() {
        try (TestServer t = new TestServer()) {
            HttpResponse<String> r = t.send("POST", t.api + "/api/start", "text/plain", "go");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{}");
            assertThat(t.server.queue().stats().running() || waitFor(() -> t.server.queue().stats().running()))
                    .as("started").isTrue();
            r = t.send("POST", t.api + "/api/reset", "application/json", "{not json");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            r = t.send("POST", t.api + "/api/start", null, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            r = t.send("POST", t.api + "/api/reset", "application/x-www-form-urlencoded", "a=b");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    @Test
    void statusEchoesSmelterRendererDefaults() {
        try (TestServer t = new TestServer()) {
            JsonNode cfg = TestServer.json(t.send("GET", t.api + "/status", null, null)).get("configuration");
            assertThat(cfg.get("web_renderer_enable").asBoolean()).isFalse();
            assertThat(cfg.get("web_renderer_enable_gpu").asBoolean()).isTrue();
            assertThat(cfg.get("rendering_mode").asText()).isEqualTo("gpu_optimized");
        }
    }

    @Test
    void offsetMsIsIngotsExtensionWithAnUpperBound() {
        try (TestServer t = new TestServer()) {
            assertThat(t.postJson("/api/input/off-max/register", "{\"type\":\"whip_server\",\"offset_ms\":10000}")
                    .statusCode()).isEqualTo(200);
            HttpResponse<String> r = t.postJson("/api/input/off-over/register",
                    "{\"type\":\"whip_server\",\"offset_ms\":3600000}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(TestServer.json(r).get("message").asText()).contains("offset_ms").contains("10000");
            assertThat(t.server.registry().get("off-over")).isEmpty();
        }
    }

    @Test
    void aScheduledUnregisterWaitsForTheStart() {
        try (TestServer t = new TestServer()) {
            t.register("held", "");
            HttpResponse<String> r = t.postJson("/api/input/held/unregister", "{\"schedule_time_ms\": 0}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(t.server.registry().get("held")).as("still there before the start").isPresent();
            assertThat(t.server.queue().scheduledCount()).isEqualTo(1);
            t.postJson("/api/start", "{}");
            assertThat(waitFor(() -> t.server.registry().get("held").isEmpty())).as("gone after the start").isTrue();
        }
    }

    @Test
    void aScheduledUnregisterRunsAtItsQueueTime() {
        try (TestServer t = new TestServer()) {
            t.register("later", "");
            t.postJson("/api/start", "{}");
            assertThat(waitFor(() -> t.server.queue().stats().lastTickPts() >= 0)).isTrue();
            // 5 s of queue time ahead of where the queue is: far enough that a slow machine does not get there first
            long at = t.server.queue().stats().lastTickPts() / MS + 5_000;
            assertThat(t.postJson("/api/input/later/unregister", "{\"schedule_time_ms\": " + at + "}").statusCode())
                    .isEqualTo(200);
            assertThat(t.server.registry().get("later")).isPresent();
            assertThat(waitFor(() -> t.server.registry().get("later").isEmpty())).isTrue();
            assertThat(t.server.queue().stats().lastTickPts() / MS).as("queue time when it went")
                    .isGreaterThanOrEqualTo(at - 34);
        }
    }

    @Test
    void aScheduledUnregisterForATimeThatHasPassedIsDropped() {
        try (TestServer t = new TestServer()) {
            t.register("late", "");
            t.postJson("/api/start", "{}");
            assertThat(waitFor(() -> t.server.queue().stats().lastTickPts() >= 200 * MS)).isTrue();
            HttpResponse<String> r = t.postJson("/api/input/late/unregister", "{\"schedule_time_ms\": 100}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(t.server.queue().scheduledCount()).isZero();
            long past = t.server.queue().stats().lastTickPts() + 300 * MS;
            assertThat(waitFor(() -> t.server.queue().stats().lastTickPts() >= past)).isTrue();
            assertThat(t.server.registry().get("late")).as("a late request is dropped, not run").isPresent();
        }
    }

    @Test
    void aScheduledUnregisterOfAnUnknownIdIsAcceptedButWithoutOneIts404() {
        try (TestServer t = new TestServer()) {
            HttpResponse<String> r = t.postJson("/api/input/nobody/unregister", "{\"schedule_time_ms\": 500}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{}");
            r = t.postJson("/api/input/nobody/unregister", "{}");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(TestServer.json(r).get("error_code").asText()).isEqualTo("INPUT_STREAM_NOT_FOUND");
        }
    }

    @Test
    void resetDiscardsScheduledUnregistersSoAnInputRegisteredAgainKeepsLiving() {
        try (TestServer t = new TestServer()) {
            t.register("again", "");
            t.register("before-start", "");
            t.postJson("/api/input/before-start/unregister", "{\"schedule_time_ms\": 0}");
            t.postJson("/api/start", "{}");
            assertThat(waitFor(() -> t.server.registry().get("before-start").isEmpty())).isTrue();
            t.register("before-start", "");
            t.postJson("/api/input/before-start/unregister", "{\"schedule_time_ms\": 100000}");
            long at = Math.max(0, t.server.queue().stats().lastTickPts()) / MS + 1_500;
            t.postJson("/api/input/again/unregister", "{\"schedule_time_ms\": " + at + "}");
            assertThat(t.server.queue().scheduledCount()).isEqualTo(2);

            assertThat(t.postJson("/api/reset", "{}").statusCode()).isEqualTo(200);
            assertThat(t.server.queue().scheduledCount()).isZero();
            t.register("again", "");
            t.postJson("/api/start", "{}");
            // the new run goes past the old request's time, and the input registered again is still there
            assertThat(waitFor(() -> t.server.queue().stats().lastTickPts() >= (at + 1_000) * MS)).isTrue();
            assertThat(t.server.registry().get("again")).isPresent();
        }
    }

    /** Polls {@code condition} for up to 30 s (a generous bound on a loaded machine, not a timing assertion). */
    static boolean waitFor(BooleanSupplier condition) {
        long end = System.nanoTime() + 30_000 * MS;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
