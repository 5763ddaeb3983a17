package dev.ingot.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.server.TestServer;
import dev.ingot.server.api.JsonCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Smelter's own TypeScript SDK ({@code @swmansion/smelter-node}, connecting to the running server with its
 * {@code ExistingInstanceManager}) drives Ingot as it drives Smelter, with FFmpeg publishing
 * ({@code interop/smelter-sdk.mjs}): init (status, reset, /ws), register a {@code whip_server} input, start,
 * the input's events arrive and the SDK's input state becomes {@code playing}; unregister with and without a
 * schedule; reset.
 */
class SmelterSdkInteropTest {

    @Test
    void smeltersTypeScriptSdkRegistersWatchesUnregistersAndResets() throws Exception {
        InteropTools.requireSmelterSdk();
        InteropTools.requireFfmpeg();
        try (TestServer t = new TestServer(Map.of("SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1"))) {
            t.register("left-over", ""); // the SDK's init resets the server: this one goes
            Path result = Files.createTempFile("smelter-sdk-", ".json");
            int rc = InteropTools.run("smelter-sdk", List.of("node", "interop/smelter-sdk.mjs", t.api, t.whip,
                    result.toString()), Duration.ofSeconds(150));
            JsonNode r = JsonCodec.parseBody(Files.readAllBytes(result));
            Files.deleteIfExists(result);
            assertThat(r.path("error").asText("")).as("the script's error").isEmpty();
            assertThat(rc).isZero();
            assertThat(r.get("ok").asBoolean()).isTrue();

            JsonNode init = step(r, "init");
            assertThat(init.get("inputs")).as("the SDK's init reset the server").isEmpty();
            JsonNode registered = step(r, "registered");
            assertThat(registered.get("endpointRoute").asText()).isEqualTo("/whip/sdk_cam");
            assertThat(registered.get("bearerToken").asText()).isEqualTo("sdk-secret");

            JsonNode playing = step(r, "playing");
            assertThat(texts(playing.get("events"))).contains("VIDEO_INPUT_DELIVERED", "AUDIO_INPUT_DELIVERED",
                    "VIDEO_INPUT_PLAYING", "AUDIO_INPUT_PLAYING");
            assertThat(playing.at("/state/videoState").asText()).isEqualTo("playing");
            assertThat(playing.at("/state/audioState").asText()).isEqualTo("playing");
            assertThat(step(r, "stats").at("/video_rtp/packets_received").asLong()).isPositive();

            JsonNode unregistered = step(r, "unregistered");
            assertThat(texts(unregistered.get("events"))).contains("VIDEO_INPUT_EOS", "AUDIO_INPUT_EOS");
            assertThat(texts(unregistered.get("inputs"))).doesNotContain("sdk_cam");
            assertThat(unregistered.get("inStore").asBoolean()).isFalse();

            JsonNode scheduled = step(r, "scheduled");
            assertThat(scheduled.get("presentRightAfter").asBoolean()).as("held until its time").isTrue();
            assertThat(step(r, "scheduled-unknown").get("accepted").asBoolean()).isTrue();

            JsonNode reset = step(r, "reset");
            assertThat(texts(reset.get("beforeReset"))).contains("sdk_reset");
            assertThat(reset.get("afterReset")).isEmpty();
            assertThat(t.server.registry().all()).isEmpty();
        }
    }

    private static JsonNode step(JsonNode result, String name) {
        for (JsonNode s : result.get("steps")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + result);
    }

    private static List<String> texts(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }
}
