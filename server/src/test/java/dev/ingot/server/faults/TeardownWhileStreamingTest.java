package dev.ingot.server.faults;

import static dev.ingot.server.faults.FaultTools.awaitLive;
import static dev.ingot.server.faults.FaultTools.live;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.net.WebRtcTransport;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator pulls the rug while media flows: unregister of a streaming input, and {@code /api/reset} with
 * several inputs streaming. Sessions end, sockets and threads go, the publisher's later requests get 404, and the
 * same ids can be registered and published again.
 */
class TeardownWhileStreamingTest {

    private static void assertSessionGone(TestServer t, String id, WebRtcTransport.LiveSession s) {
        Resources.await(id + " session closed", 5000, () -> s.driver().isClosed());
        assertThat(t.server.transport().sessions()).doesNotContain(s);
        int port = s.driver().endpoint().port();
        Resources.await("UDP port " + port + " released", 5000, () -> FaultTools.udpPortFree(port));
        FaultTools.awaitNoSessionThreads(id, 5000);
    }

    private static void publishesAgain(TestServer t, String id) throws Exception {
        String token = t.register(id, "");
        try (StreamingPublisher again = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 500)) {
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            Resources.await("media again on " + id, 15_000, () -> s.driver().counters().videoPackets() > 20);
            assertThat(again.deleteAndClose()).isEqualTo(200);
        }
    }

    @Test
    void unregisterWhileStreamingEndsTheSessionAndFreesItsResources() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "3000"))) {
            String id = "unreg-live";
            String token = t.register(id, "");
            try (StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 500)) {
                WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
                Resources.await("media flowing", 15_000, () -> s.driver().counters().videoPackets() > 50);
                HttpResponse<String> r = t.postJson("/api/input/" + id + "/unregister", "{}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertSessionGone(t, id, s);
                assertThat(t.server.registry().get(id)).isEmpty();
                // the publisher, still sending, gets 404 for its session now
                assertThat(pub.pub.delete(token).statusCode()).isEqualTo(404);
            }
            publishesAgain(t, id);
        }
    }

    @Test
    void resetWhileSeveralInputsStreamEndsEverySessionAndStartsClean() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "3000"))) {
            List<String> ids = List.of("reset-a", "reset-b", "reset-c");
            List<StreamingPublisher> pubs = new java.util.ArrayList<>();
            List<WebRtcTransport.LiveSession> sessions = new java.util.ArrayList<>();
            try {
                for (String id : ids) {
                    String token = t.register(id, "");
                    pubs.add(StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 500));
                    WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
                    sessions.add(s);
                }
                for (WebRtcTransport.LiveSession s : sessions) {
                    Resources.await("media flowing", 15_000, () -> s.driver().counters().videoPackets() > 20);
                }
                HttpResponse<String> r = t.postJson("/api/reset", "{}");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{}");
                for (int i = 0; i < ids.size(); i++) {
                    assertSessionGone(t, ids.get(i), sessions.get(i));
                }
                assertThat(t.server.registry().all()).isEmpty();
                assertThat(t.server.transport().sessions()).isEmpty();
                assertThat(TestServer.json(t.send("GET", t.api + "/status", null, null)).path("inputs").size()).isZero();
                for (int i = 0; i < ids.size(); i++) {
                    assertThat(live(t, ids.get(i))).isEmpty();
                }
            } finally {
                pubs.forEach(StreamingPublisher::vanish);
            }
            publishesAgain(t, "reset-a");
        }
    }
}
