package dev.ingot.server.events;

import dev.ingot.server.api.JsonCodec;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Smelter's server events ({@code {"type": "...", "input_id": "..."}}) fanned out to every {@code /ws} client
 * and to in-process subscribers. {@link #emit} never waits on the network: in-process subscribers are called on
 * the emitting thread, and the WebSocket writes are made, in emission order, by one sender thread (a slow client
 * delays only the events behind it, never the queue). A client whose socket fails is dropped.
 */
public final class ServerEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ServerEvents.class);

    /** Smelter's event types for inputs. */
    public enum Type {
        VIDEO_INPUT_DELIVERED, AUDIO_INPUT_DELIVERED, VIDEO_INPUT_PLAYING, AUDIO_INPUT_PLAYING,
        VIDEO_INPUT_PAUSED, AUDIO_INPUT_PAUSED, VIDEO_INPUT_EOS, AUDIO_INPUT_EOS
    }

    /** One event as emitted. */
    public record Event(Type type, String inputId) {
    }

    /** How many events may wait for the WebSocket sender before new ones are dropped (with a warning). */
    private static final int MAX_PENDING = 4096;
    private static final String STOP = new String("<stop>"); // compared by identity

    private final Set<WsSession> clients = ConcurrentHashMap.newKeySet();
    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>(MAX_PENDING);
    private final Thread sender = Thread.ofVirtual().name("ws-events").unstarted(this::sendLoop);
    private volatile boolean closed;

    public void emit(Type type, String inputId) {
        emit(new Event(type, inputId));
    }

    /** Emits {@code event}: subscribers now, on this thread; {@code /ws} clients soon, in order. */
    public void emit(Event event) {
        LOG.debug("event {} input={}", event.type(), event.inputId());
        for (Consumer<Event> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber failed on {}: {}", event, e.toString());
            }
        }
        if (closed || clients.isEmpty()) {
            return;
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("type", event.type().name());
        body.put("input_id", event.inputId());
        String text = new String(JsonCodec.write(body), java.nio.charset.StandardCharsets.UTF_8);
        synchronized (sender) {
            if (sender.getState() == Thread.State.NEW) {
                sender.start();
            }
        }
        if (!outbox.offer(text)) {
            LOG.warn("/ws clients are not keeping up: dropped {} for input={}", event.type(), event.inputId());
        }
    }

    /**
     * Calls {@code listener} with every event from now on, on the emitting thread (it must be quick and must not
     * block). Returns what unsubscribes it.
     */
    public Runnable subscribe(Consumer<Event> listener) {
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }

    private void sendLoop() {
        while (true) {
            String text;
            try {
                text = outbox.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (text == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (text == STOP) {
                return;
            }
            sendToClients(text);
        }
    }

    private void sendToClients(String text) {
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
        closed = true;
        outbox.clear();
        outbox.offer(STOP);
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
