package dev.ingot.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.media.frame.RgbaConverter;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.PipelineClock;
import dev.ingot.server.TestServer;
import dev.ingot.server.api.JsonCodec;
import dev.ingot.server.config.Framerate;
import dev.ingot.server.events.ServerEvents;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real Ingot server: an input registered and unregistered over HTTP, its media through an output queue on a
 * manual clock, and the events as a {@code /ws} client receives them.
 */
class QueueEventsOverWebSocketTest {
    private static final long MS = 1_000_000L;

    @Test
    void aWebSocketClientSeesTheInputsEventsInOrderExactlyOnce() throws Exception {
        long baseline = VideoFrame.livePictures();
        try (TestServer t = new TestServer(); RgbaConverter converter = new RgbaConverter()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = t.http.newWebSocketBuilder().buildAsync(URI.create(t.api.replace("http", "ws") + "/ws"),
                    new WebSocket.Listener() {
                        final StringBuilder sb = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            sb.append(data);
                            if (last) {
                                received.add(sb.toString());
                                sb.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 250 && t.server.events().clientCount() == 0; i++) {
                Thread.sleep(20);
            }
            t.register("cam", "\"required\":false");
            PipelineClock clock = new PipelineClock();
            long[] now = {1_000_000 * MS};
            OutputQueue q = new OutputQueue(new Framerate(30, 1), 48_000, 3_000 * MS, t.server.registry(), clock,
                    t.server.events(), () -> now[0]);
            byte[] y = new byte[256];
            byte[] uv = new byte[64];
            q.onVideoFrame("cam", VideoFrame.copyOfI420(16, 16, 0, y, uv, uv, converter), 0);
            q.poll(now[0]);
            clock.start(now[0]);
            for (int i = 1; i <= 10; i++) {
                now[0] += 10 * MS;
                q.onVideoFrame("cam", VideoFrame.copyOfI420(16, 16, i, y, uv, uv, converter), i * 10 * MS);
                q.poll(now[0]);
            }
            assertThat(t.postJson("/api/input/cam/unregister", "{}").statusCode()).isEqualTo(200);
            q.poll(now[0] + MS);
            q.poll(now[0] + 2 * MS);
            t.server.events().emit(ServerEvents.Type.AUDIO_INPUT_EOS, "sentinel");

            List<String> seen = new ArrayList<>();
            while (true) {
                String text = received.poll(10, TimeUnit.SECONDS);
                assertThat(text).as("events so far: %s", seen).isNotNull();
                JsonNode e = JsonCodec.parseBody(text.getBytes(StandardCharsets.UTF_8));
                if (e.get("input_id").asText().equals("sentinel")) {
                    break;
                }
                assertThat(e.get("input_id").asText()).isEqualTo("cam");
                assertThat(e.size()).isEqualTo(2);
                seen.add(e.get("type").asText());
            }
            assertThat(seen).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING", "VIDEO_INPUT_EOS");
            q.close();
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
    }
}
