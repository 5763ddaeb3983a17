package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.faults.Resources;
import dev.ingot.server.faults.StreamingPublisher;
import dev.ingot.server.net.LoopbackPublisher;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Capacity and drain on a real server with in-process publishers: a POST over the decode budget or the session
 * count gets 503 + Retry-After while the live sessions stay; {@code /ready} and {@code /metrics} say how full the
 * server is; a drain refuses new sessions, lets a streaming one go on, and ends when it ends or the grace passes.
 */
class CapacityAndDrainTest {
    private static HttpResponse<String> offer(TestServer t, LoopbackPublisher pub, String input, String token)
            throws Exception {
        return pub.post(t.whip + "/whip/" + input, token, pub.offer(Setup.ACTPASS));
    }

    private static void assertRefused(HttpResponse<String> r, String code, long maxRetryAfter) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(TestServer.json(r).path("error_code").asText()).isEqualTo(code);
        long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, maxRetryAfter);
        assertThat(r.headers().firstValue("access-control-allow-origin")).contains("*");
    }

    private static JsonNode ready(TestServer t, int status) {
        HttpResponse<String> r = t.send("GET", t.api + "/ready", null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return TestServer.json(r);
    }

    private static long videoPacketsReceived(TestServer t, String input) {
        JsonNode stats = TestServer.json(t.send("GET", t.api + "/stats", null, null));
        return stats.path("inputs").path(input).path("video_rtp").path("packets_received").asLong();
    }

    @Test
    void anOfferOverTheDecodeBudgetGets503WithRetryAfterAndTheLiveSessionsStay() throws Exception {
        // budget 0.25 cores; every offer here is H.264 level 3.1 (720p30): 0.1 cores each, so two fit
        try (TestServer t = new TestServer(Map.of("INGOT_CPU_CORES", "1", "INGOT_MAX_DECODE_LOAD", "0.25",
                "INGOT_STREAM_CORES", "0.1"));
                LoopbackPublisher a = new LoopbackPublisher(); LoopbackPublisher b = new LoopbackPublisher();
                LoopbackPublisher c = new LoopbackPublisher(); LoopbackPublisher b2 = new LoopbackPublisher()) {
            JsonNode empty = ready(t, 200);
            assertThat(empty.path("inputs_left").asInt()).isEqualTo(2);
            assertThat(empty.path("decode_budget_cores").asDouble()).isEqualTo(0.25);
            String ta = t.register("a", "");
            String tb = t.register("b", "");
            // two inputs waiting for their publishers commit the whole budget: no room to place a third
            JsonNode committed = ready(t, 503);
            assertThat(committed.path("inputs_left").asInt()).isZero();
            assertThat(committed.path("reasons").toString()).contains("full");
            String tc = t.register("c", "");
            assertThat(offer(t, a, "a", ta).statusCode()).isEqualTo(201);
            assertThat(offer(t, b, "b", tb).statusCode()).isEqualTo(201);
            assertRefused(offer(t, c, "c", tc), "DECODE_CAPACITY_EXCEEDED", 5);
            assertThat(t.server.transport().sessions()).hasSize(2);
            // a new offer on an input whose session never connected replaces it: not refused when full
            assertThat(offer(t, b2, "b", tb).statusCode()).isEqualTo(201);
            assertThat(t.server.transport().sessions()).hasSize(2);

            String metrics = t.send("GET", t.api + "/metrics", null, null).body();
            assertThat(ExpositionFormat.check(metrics)).isEmpty();
            assertThat(metrics).contains("ingot_decode_load_cores 0.2\n", "ingot_decode_budget_cores 0.25\n",
                    "ingot_capacity_sessions_left 0\n", "ingot_capacity_inputs_left 0\n",
                    "ingot_whip_sessions_refused_total{reason=\"decode_load\"} 1\n", "ingot_draining 0\n",
                    "ingot_inputs_waiting 1\n", "ingot_whip_sessions_max 64\n", "ingot_cpu_cores 1\n");
            // 0.2 live + 0.1 for c, which waits: committed 0.3 of 0.25
            assertThat(metrics).containsPattern("ingot_capacity_utilization 1\\.2\\d*\n");

            assertThat(a.delete(ta).statusCode()).isEqualTo(200);
            Resources.await("a's session gone", 5000, () -> t.server.transport().sessions().size() == 1);
            assertThat(offer(t, c, "c", tc).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void anOfferBeyondMaxSessionsGets503WithRetryAfter() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_MAX_SESSIONS", "1"));
                LoopbackPublisher a = new LoopbackPublisher(); LoopbackPublisher b = new LoopbackPublisher()) {
            String ta = t.register("a", "");
            String tb = t.register("b", "");
            assertThat(offer(t, a, "a", ta).statusCode()).isEqualTo(201);
            assertRefused(offer(t, b, "b", tb), "TOO_MANY_SESSIONS", 5);
            assertThat(t.send("GET", t.api + "/metrics", null, null).body())
                    .contains("ingot_whip_sessions_refused_total{reason=\"sessions\"} 1\n");
        }
    }

    @Test
    void aDrainRefusesNewSessionsLetsTheLiveOneStreamAndEndsWhenItEnds() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_DRAIN_GRACE_SECONDS", "120"));
                LoopbackPublisher late = new LoopbackPublisher()) {
            String token = t.register("live", "");
            String lateToken = t.register("late", "");
            try (StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/live", token, Setup.ACTPASS, 500)) {
                Resources.await("video packets arrive", 15_000, () -> videoPacketsReceived(t, "live") > 100);
                assertThat(ready(t, 200).path("ready").asBoolean()).isTrue();

                HttpResponse<String> drain = t.postJson("/api/drain", "{}");
                assertThat(drain.statusCode()).as(drain.body()).isEqualTo(202);
                JsonNode d = TestServer.json(drain);
                assertThat(d.path("draining").asBoolean()).isTrue();
                assertThat(d.path("live_sessions").asInt()).isEqualTo(1);
                assertThat(d.path("grace_seconds").asInt()).isEqualTo(120);
                assertThat(t.postJson("/api/drain", "").statusCode()).as("idempotent").isEqualTo(202);

                JsonNode notReady = ready(t, 503);
                assertThat(notReady.path("reasons").toString()).contains("draining");
                assertThat(notReady.path("inputs_left").asInt()).isZero();
                HttpResponse<String> health = t.send("GET", t.api + "/health", null, null);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(TestServer.json(health).path("draining").asBoolean()).isTrue();
                assertRefused(offer(t, late, "late", lateToken), "SERVER_DRAINING", 120);
                assertThat(t.send("GET", t.api + "/metrics", null, null).body()).contains("ingot_draining 1\n",
                        "ingot_whip_sessions_refused_total{reason=\"draining\"} 1\n");

                long before = videoPacketsReceived(t, "live");
                Resources.await("the live session keeps streaming through the drain", 10_000,
                        () -> videoPacketsReceived(t, "live") > before + 100);
                assertThat(t.server.drain("again").isDone()).as("a live session holds the drain open").isFalse();
                assertThat(pub.deleteAndClose()).isEqualTo(200);
            }
            String why = t.server.drain("once more").get(10, TimeUnit.SECONDS);
            assertThat(why).isEqualTo("every session ended");
            Resources.await("the server closed after the drain", 10_000,
                    () -> !apiAnswers(t));
        }
    }

    @Test
    void aDrainWithoutSessionsAnswersThenStops() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_DRAIN_GRACE_SECONDS", "120"))) {
            HttpResponse<String> drain = t.postJson("/api/drain", "");
            assertThat(drain.statusCode()).as(drain.body()).isEqualTo(202);
            assertThat(TestServer.json(drain).path("live_sessions").asInt()).isZero();
            assertThat(t.server.drain("again").get(10, TimeUnit.SECONDS)).isEqualTo("every session ended");
            Resources.await("the server closed after the drain", 10_000, () -> !apiAnswers(t));
        }
    }

    @Test
    void theGracePeriodEndsADrainWhoseSessionsGoOn() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_DRAIN_GRACE_SECONDS", "1"))) {
            String token = t.register("long", "");
            try (StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/long", token, Setup.ACTPASS, 500)) {
                Resources.await("video packets arrive", 15_000, () -> videoPacketsReceived(t, "long") > 10);
                String why = t.server.drain("test").get(30, TimeUnit.SECONDS);
                assertThat(why).isEqualTo("grace period of 1 s over with 1 session(s) still live");
                Resources.await("the session closed with the server", 10_000,
                        () -> t.server.transport().sessions().isEmpty());
                Resources.await("the server closed after the drain", 10_000, () -> !apiAnswers(t));
            }
        }
    }

    private static boolean apiAnswers(TestServer t) {
        try {
            t.send("GET", t.api + "/health", null, null);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
