package dev.ingot.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.TestServer;
import dev.ingot.server.events.ServerEvents.Event;
import dev.ingot.server.events.ServerEvents.Type;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerEventsTest {
    @Test
    void subscribersGetEveryEventInOrderOnTheEmittingThread() {
        ServerEvents events = new ServerEvents();
        List<String> seen = new ArrayList<>();
        Runnable unsubscribe = events.subscribe(e -> seen.add(e.type() + "/" + e.inputId() + "/"
                + Thread.currentThread().getName()));
        events.subscribe(e -> {
            throw new IllegalStateException("a broken subscriber");
        });
        String me = Thread.currentThread().getName();
        events.emit(Type.VIDEO_INPUT_DELIVERED, "a");
        events.emit(new Event(Type.AUDIO_INPUT_EOS, "b"));
        unsubscribe.run();
        events.emit(Type.VIDEO_INPUT_EOS, "a");
        assertThat(seen).containsExactly("VIDEO_INPUT_DELIVERED/a/" + me, "AUDIO_INPUT_EOS/b/" + me);
        events.closeAll();
    }

    @Test
    void webSocketClientsGetEventsInEmissionOrder() throws Exception {
        try (TestServer t = new TestServer()) {
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
            for (int i = 0; i < 300; i++) {
                t.server.events().emit(Type.values()[i % Type.values().length], "in-" + i);
            }
            for (int i = 0; i < 300; i++) {
                String text = received.poll(10, TimeUnit.SECONDS);
                assertThat(text).isEqualTo("{\"type\":\"" + Type.values()[i % Type.values().length].name()
                        + "\",\"input_id\":\"in-" + i + "\"}");
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
    }
}
