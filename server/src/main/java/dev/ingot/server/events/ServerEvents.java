package dev.ingot.server.events;

import dev.ingot.server.api.JsonCodec;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Smelter's server events ({@code {"type": "...", "input_id": "..."}}) fanned out to every {@code /ws} client.
 * A client whose socket fails is dropped; sending never blocks the caller for long (WebSocket writes are small).
 */
public final class ServerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ServerEvents.class);

    /** Smelter's event types for inputs. */
    public enum Type {
        VIDEO_INPUT_DELIVERED, AUDIO_INPUT_DELIVERED, VIDEO_INPUT_PLAYING, AUDIO_INPUT_PLAYING,
        VIDEO_INPUT_PAUSED, AUDIO_INPUT_PAUSED, VIDEO_INPUT_EOS, AUDIO_INPUT_EOS
    }

    private final Set<WsSession> clients = ConcurrentHashMap.newKeySet();

    public void emit(Type type, String inputId) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("type", type.name());
        body.put("input_id", inputId);
        String text = new String(JsonCodec.write(body), java.nio.charset.StandardCharsets.UTF_8);
        for (WsSession s : clients) {
            try {
                synchronized (s) {
                    s.send(text, true);
                }
            } catch (RuntimeException e) {
                clients.remove(s);
                LOG.debug("dropped a /ws client: {}", e.toString());
            }
        }
    }

    public int clientCount() {
        return clients.size();
    }

    /** The listener for the {@code /ws} route. */
    public WsListener listener() {
        return new WsListener() {
            @Override
            public void onOpen(WsSession session) {
                clients.add(session);
            }

            @Override
            public void onClose(WsSession session, int status, String reason) {
                clients.remove(session);
            }

            @Override
            public void onError(WsSession session, Throwable t) {
                clients.remove(session);
            }
        };
    }

    public void closeAll() {
        for (WsSession s : clients) {
            try {
                s.close(1001, "server shutting down");
            } catch (RuntimeException e) {
                // already gone
            }
        }
        clients.clear();
    }
}
