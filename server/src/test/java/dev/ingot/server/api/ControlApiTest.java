package dev.ingot.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.server.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The control API over real HTTP against a started server. */
class ControlApiTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = TestServer.json(r);
        assertThat(body.get("error_code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.get("stack").isArray()).isTrue();
    }

    @Test
    void registerGeneratesA128BitTokenAndReturnsTheWhipRoute() {
        HttpResponse<String> r = t.postJson("/api/input/gen-token/register", "{\"type\":\"whip_server\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(r);
        assertThat(body.get("bearer_token").asText()).matches("[0-9A-F]{32}");
        assertThat(body.get("endpoint_route").asText()).isEqualTo("/whip/gen-token");
        String other = t.register("gen-token-2", "");
        assertThat(other).isNotEqualTo(body.get("bearer_token").asText());
    }

    @Test
    void registerKeepsAGivenTokenAndTheFullSchemaIsAccepted() {
        HttpResponse<String> r = t.postJson("/api/input/full.schema_1/register", """
                {"type":"whip_server","video":{"decoder_preferences":["ffmpeg_h264","any"]},
                 "bearer_token":"s3cret","required":true,"buffer_size_ms":120.5,"offset_ms":0,
                 "side_channel":{"video":true,"audio":true,"delay_ms":200.0}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestServer.json(r).get("bearer_token").asText()).isEqualTo("s3cret");
        assertThat(TestServer.json(r).get("endpoint_route").asText()).isEqualTo("/whip/full.schema_1");
        var input = t.server.registry().get("full.schema_1").orElseThrow();
        assertThat(input.spec().required()).isTrue();
        assertThat(input.spec().bufferSizeMs()).contains(120.5);
        assertThat(input.spec().sideChannel().delayMs()).isEqualTo(200.0);
        assertThat(input.decoders()).extracting(Enum::name).containsExactly("FFMPEG_H264", "FFMPEG_VP9", "FFMPEG_VP8",
                "FFMPEG_HEVC", "FFMPEG_AV1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON at all                  | 400 | {type: whip_server
            trailing garbage                 | 400 | {"type":"whip_server"} x
            unknown field                    | 422 | {"type":"whip_server","colour":"red"}
            unknown nested field             | 422 | {"type":"whip_server","side_channel":{"video":true,"fps":3}}
            wrong type for required          | 422 | {"type":"whip_server","required":"yes"}
            wrong type for buffer            | 422 | {"type":"whip_server","buffer_size_ms":"80"}
            unknown decoder                  | 422 | {"type":"whip_server","video":{"decoder_preferences":["ffmpeg_h266"]}}
            preferences not a list           | 422 | {"type":"whip_server","video":{"decoder_preferences":"any"}}
            unknown input type               | 422 | {"type":"webcam"}
            Smelter type Ingot lacks         | 422 | {"type":"rtp_stream"}
            missing type                     | 422 | {"bearer_token":"x"}
            array instead of object          | 422 | ["whip_server"]
            negative buffer                  | 400 | {"type":"whip_server","buffer_size_ms":-5}
            Smelter's old audio options      | 422 | {"type":"whip_server","audio":{"decoder":"opus"}}
            Smelter's old single decoder     | 422 | {"type":"whip_server","video":{"decoder":"ffmpeg_h264"}}
            Smelter's old endpoint_override  | 422 | {"type":"whip_server","endpoint_override":"x"}
            offset_ms beyond the bound       | 400 | {"type":"whip_server","offset_ms":10000.5}
            negative delay                   | 400 | {"type":"whip_server","side_channel":{"delay_ms":-1}}
            token with spaces                | 400 | {"type":"whip_server","bearer_token":"a b"}
            """)
    void badRegisterBodiesGetSmelterErrors(String name, int status, String body) {
        HttpResponse<String> r = t.postJson("/api/input/bad-body/register", body);
        assertError(r, status, "MALFORMED_REQUEST");
        assertThat(t.server.registry().get("bad-body")).isEmpty();
    }

    @Test
    void registerWithoutJsonContentTypeIs415() {
        HttpResponse<String> r = t.send("POST", t.api + "/api/input/no-ct/register", "text/plain", "{\"type\":\"whip_server\"}");
        assertError(r, 415, "MALFORMED_REQUEST");
        r = t.send("POST", t.api + "/api/input/no-ct/register", null, "{\"type\":\"whip_server\"}");
        assertError(r, 415, "MALFORMED_REQUEST");
        assertThat(t.server.registry().get("no-ct")).isEmpty();
    }

    @Test
    void jsonContentTypeWithCharsetIsAccepted() {
        HttpResponse<String> r = t.send("POST", t.api + "/api/input/charset/register", "application/json; charset=utf-8",
                "{\"type\":\"whip_server\"}");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"bad%20id", "x%2Fy", "semi%3Bcolon", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%C3%A9t%C3%A9"})
    void invalidIdCharactersAre400(String id) {
        HttpResponse<String> r = t.postJson("/api/input/" + id + "/register", "{\"type\":\"whip_server\"}");
        assertError(r, 400, "MALFORMED_REQUEST");
    }

    @Test
    void duplicateIdIs409AndTheFirstInputIsUntouched() {
        String token = t.register("dup", "\"bearer_token\":\"first\"");
        HttpResponse<String> r = t.postJson("/api/input/dup/register", "{\"type\":\"whip_server\",\"bearer_token\":\"second\"}");
        assertError(r, 409, "INPUT_STREAM_ALREADY_REGISTERED");
        assertThat(token).isEqualTo("first");
        assertThat(t.server.registry().get("dup").orElseThrow().token().matchesAuthorizationHeader("Bearer first")).isTrue();
    }

    @Test
    void unregisterRemovesTheInputAndUnknownIdsAre404() {
        t.register("to-remove", "");
        assertThat(t.postJson("/api/input/to-remove/unregister", "{}").statusCode()).isEqualTo(200);
        assertThat(t.server.registry().get("to-remove")).isEmpty();
        assertError(t.postJson("/api/input/to-remove/unregister", "{}"), 404, "INPUT_STREAM_NOT_FOUND");
        t.register("to-remove", "");
        assertThat(t.send("POST", t.api + "/api/input/to-remove/unregister", null, null).statusCode()).isEqualTo(200);
        assertThat(t.server.registry().get("to-remove")).isEmpty();
    }

    @Test
    void vulkanOnlyPreferenceWithoutAVulkanDecoderIs422WithAClearMessage() {
        HttpResponse<String> r = t.postJson("/api/input/gpu-only/register",
                "{\"type\":\"whip_server\",\"video\":{\"decoder_preferences\":[\"vulkan_h264\"]}}");
        assertError(r, 422, "INPUT_STREAM_INPUT_ERROR");
        assertThat(TestServer.json(r).get("message").asText()).contains("no Vulkan Video decoder");
        r = t.postJson("/api/input/gpu-then-cpu/register",
                "{\"type\":\"whip_server\",\"video\":{\"decoder_preferences\":[\"vulkan_h264\",\"ffmpeg_h264\"]}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(t.server.registry().get("gpu-then-cpu").orElseThrow().decoders()).extracting(Enum::name)
                .containsExactly("FFMPEG_H264");
    }

    @Test
    void vulkanPreferenceIsKeptWhereAVulkanDecoderExists() {
        try (TestServer gpu = new TestServer(Map.of(), new VideoDecoderSupport(true, "test device"))) {
            gpu.register("gpu", "\"video\":{\"decoder_preferences\":[\"any\"]}");
            assertThat(gpu.server.registry().get("gpu").orElseThrow().decoders()).extracting(Enum::name)
                    .containsExactly("FFMPEG_VP9", "FFMPEG_VP8", "VULKAN_H264", "FFMPEG_HEVC", "FFMPEG_AV1");
        }
    }

    @Test
    void registerWithTheWhipServerDisabledIs422() {
        try (TestServer off = new TestServer(Map.of("SMELTER_START_WHIP_WHEP_SERVER", "false"))) {
            assertThat(off.whip).isNull();
            assertError(off.postJson("/api/input/x/register", "{\"type\":\"whip_server\"}"), 422, "INPUT_STREAM_INPUT_ERROR");
        }
    }

    @Test
    void statusListsInputsAsWhipWithSmelterConfiguration() {
        t.register("status-me", "");
        JsonNode s = TestServer.json(t.send("GET", t.api + "/status", null, null));
        assertThat(s.get("instance_id").asText()).startsWith("smelter_");
        JsonNode cfg = s.get("configuration");
        for (String f : new String[] {"api_port", "output_framerate", "mixing_sample_rate", "ahead_of_time_processing",
                "never_drop_output_frames", "run_late_scheduled_events", "download_root", "web_renderer_enable",
                "web_renderer_enable_gpu", "whip_whep_server_port", "whip_whep_enable", "webrtc_stun_servers",
                "rendering_mode"}) {
            assertThat(cfg.has(f)).as(f).isTrue();
        }
        assertThat(cfg.get("output_framerate").isNumber()).isTrue();
        assertThat(cfg.get("whip_whep_server_port").asInt()).as("the bound port").isEqualTo(t.server.whipPort());
        assertThat(s.get("outputs").isArray()).isTrue();
        JsonNode mine = null;
        for (JsonNode in : s.get("inputs")) {
            if (in.get("input_id").asText().equals("status-me")) {
                mine = in;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.get("input_type").asText()).isEqualTo("whip");
    }

    @Test
    void statsHaveSmelterShapePerInput() {
        t.register("stats-me", "");
        JsonNode s = TestServer.json(t.send("GET", t.api + "/stats", null, null));
        JsonNode in = s.get("inputs").get("stats-me");
        assertThat(in.get("type").asText()).isEqualTo("whip");
        for (String track : new String[] {"video_rtp", "audio_rtp"}) {
            JsonNode r = in.get(track);
            for (String f : new String[] {"packets_lost", "packets_received", "bitrate_1_second", "bitrate_1_minute"}) {
                assertThat(r.get(f).isNumber()).as(track + "." + f).isTrue();
            }
            JsonNode l10 = r.get("last_10_seconds");
            assertThat(l10.has("effective_buffer_on_pop_avg_seconds")).isTrue();
            assertThat(l10.has("input_buffer_max_seconds")).isTrue();
        }
        assertThat(s.get("outputs").isObject()).isTrue();
    }

    @Test
    void startAndResetAnswerEmptyObjectsAndResetRemovesEveryInput() {
        try (TestServer own = new TestServer()) {
            own.register("a", "");
            own.register("b", "");
            HttpResponse<String> r = own.postJson("/api/start", "{}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{}");
            r = own.postJson("/api/reset", "{}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(own.server.registry().all()).isEmpty();
            own.register("a", "");
        }
    }

    @Test
    void unknownRoutesGetJson404() {
        assertError(t.send("GET", t.api + "/api/nothing", null, null), 404, "NOT_FOUND");
    }

    @Test
    void inputsAreIndependent() {
        String tokenA = t.register("indep-a", "");
        String tokenB = t.register("indep-b", "");
        // a failing request on one id leaves the others alone
        t.postJson("/api/input/indep-a/register", "{\"type\":\"whip_server\",\"bogus\":1}");
        assertThat(t.postJson("/api/input/indep-a/unregister", "{}").statusCode()).isEqualTo(200);
        assertThat(t.server.registry().get("indep-b")).isPresent();
        HttpResponse<String> r = t.send("OPTIONS", t.whip + "/whip/indep-b", null, null);
        assertThat(r.statusCode()).isEqualTo(204);
        r = t.send("POST", t.whip + "/whip/indep-b", "application/sdp", "v=0\r\n", "Authorization", "Bearer " + tokenB);
        assertThat(r.statusCode()).isNotIn(401, 404);
        r = t.send("POST", t.whip + "/whip/indep-a", "application/sdp", "v=0\r\n", "Authorization", "Bearer " + tokenA);
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void webSocketClientsReceiveServerEvents() throws Exception {
        CompletableFuture<String> got = new CompletableFuture<>();
        WebSocket ws = t.http.newWebSocketBuilder().buildAsync(URI.create(t.api.replace("http", "ws") + "/ws"),
                new WebSocket.Listener() {
                    final StringBuilder sb = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        sb.append(data);
                        if (last) {
                            got.complete(sb.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 50 && t.server.events().clientCount() == 0; i++) {
            Thread.sleep(20);
        }
        t.server.events().emit(dev.ingot.server.events.ServerEvents.Type.VIDEO_INPUT_DELIVERED, "ws-input");
        JsonNode event = JsonCodec.parseBody(got.get(30, TimeUnit.SECONDS).getBytes());
        assertThat(event.get("type").asText()).isEqualTo("VIDEO_INPUT_DELIVERED");
        assertThat(event.get("input_id").asText()).isEqualTo("ws-input");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(30, TimeUnit.SECONDS);
    }
}
