package dev.ingot.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.server.IngotServer;
import dev.ingot.server.config.IngotConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The start-up warm-up runs the first requests' code without leaving a trace: no input, no event, no session. */
class StartupWarmupTest {

    @Test
    void aServerThatWarmsUpAtStartHasNoInputsEventsOrSessionsAfterwardsAndServesRequests() throws Exception {
        Path dir = Files.createTempDirectory("ingot-warmup-test-");
        IngotConfig config = IngotConfig.fromMap(Map.of("INGOT_BIND_ADDRESS", "127.0.0.1",
                "SMELTER_WEBRTC_STUN_SERVERS", "")).withPorts(0, 0);
        List<Object> events = new CopyOnWriteArrayList<>();
        IngotServer server = new IngotServer(config,
                CompletableFuture.completedFuture(VideoDecoderSupport.withoutVulkan("test")), dir);
        try (server) {
            server.events().subscribe(events::add);
            server.warmUpAtStart(true).start();
            assertThat(server.registry().all()).isEmpty();
            assertThat(server.transport().sessions()).isEmpty();
            assertThat(events).isEmpty();
            try (var files = Files.list(dir)) {
                assertThat(files.toList()).as("side-channel sockets").isEmpty();
            }
            int status = LoopbackHttp.exchange("127.0.0.1", server.apiPort(), "POST", "/api/input/after/register",
                    "application/json", null, "{\"type\":\"whip_server\"}".getBytes(), 10_000);
            assertThat(status).isEqualTo(200);
        }
    }
}
