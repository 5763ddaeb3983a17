package dev.ingot.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.rtc.session.SessionCounters;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.input.RegisteredInput;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WHIP sessions end to end over real HTTP and UDP on loopback, with a publisher built from Ingot's own rtc core
 * in the client role (the real-client interop tests are separate).
 */
class WhipSessionLoopbackTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "1500"));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static WebRtcTransport.LiveSession live(String id) {
        RegisteredInput in = t.server.registry().get(id).orElseThrow();
        return t.server.transport().sessionOf(in).orElse(null);
    }

    private static void connectAndStream(String id, Setup setup) throws Exception {
        String token = t.register(id, "\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\"]}");
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/" + id, token, pub.offer(setup));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/sdp");
            assertThat(r.headers().firstValue("location").orElseThrow()).matches("/whip/" + id + "/[0-9a-f]{32}");
            assertThat(r.headers().firstValue("etag")).isPresent();
            assertThat(r.body()).contains("a=ice-lite").contains("a=recvonly").contains("a=setup:"
                    + (setup == Setup.PASSIVE ? "active" : "passive"));
            pub.connect(r.body(), Duration.ofSeconds(10));
            WebRtcTransport.LiveSession live = live(id);
            await("SRTP ready on the server", Duration.ofSeconds(10), live::srtpReady);
            byte[] payload = new byte[1000];
            for (int i = 0; i < 100; i++) {
                pub.sendRtp(true, payload, 3000L * i, i % 10 == 9);
                pub.sendRtp(false, new byte[120], 960L * i, false);
            }
            await("200 packets authenticated", Duration.ofSeconds(10), () -> {
                SessionCounters.Snapshot c = live.driver().counters();
                return c.videoPackets() >= 95 && c.audioPackets() >= 95;
            });
            Thread.sleep(100);
            SessionCounters.Snapshot c = live.driver().counters();
            assertThat(c.srtpAuthFailures()).isZero();
            assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.CONNECTED);
            // the input's /stats figures are fed by the same packets
            assertThat(t.server.registry().get(id).orElseThrow().videoStats().toJson(System.nanoTime() + 2_000_000_000L)
                    .get("packets_received")).isEqualTo(c.videoPackets());

            pub.sendForgedRtp(payload);
            await("forged packet rejected", Duration.ofSeconds(5), () -> live.driver().counters().srtpAuthFailures() == 1);
            await("receiver reports reach the publisher", Duration.ofSeconds(5), () -> pub.rtcpReceived.get() > 0);

            int port = live.driver().endpoint().port();
            HttpResponse<String> d = pub.delete(token);
            assertThat(d.statusCode()).isEqualTo(200);
            await("session gone", Duration.ofSeconds(5), () -> live(id) == null);
            assertThat(live.driver().isClosed()).isTrue();
            assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.WAITING_FOR_PUBLISHER);
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", port))) {
                assertThat(s.getLocalPort()).as("the session's UDP port was released").isEqualTo(port);
            }
            assertThat(pub.delete(token).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void publisherAsDtlsClientDeliversAuthenticatedMediaAndTearsDownOnDelete() throws Exception {
        connectAndStream("loop-actpass", Setup.ACTPASS);
    }

    @Test
    void passiveOfferMakesIngotTheDtlsClient() throws Exception {
        connectAndStream("loop-passive", Setup.PASSIVE);
    }

    @Test
    void secondPublisherWhileOneIsLiveIs409AndANeverConnectedOneIsReplaced() throws Exception {
        String token = t.register("loop-409", "");
        try (LoopbackPublisher first = new LoopbackPublisher(); LoopbackPublisher second = new LoopbackPublisher();
                LoopbackPublisher third = new LoopbackPublisher()) {
            HttpResponse<String> a = first.post(t.whip + "/whip/loop-409", token, first.offer(Setup.ACTPASS));
            assertThat(a.statusCode()).isEqualTo(201);
            // a session that never connected is replaced
            HttpResponse<String> b = second.post(t.whip + "/whip/loop-409", token, second.offer(Setup.ACTPASS));
            assertThat(b.statusCode()).isEqualTo(201);
            second.connect(b.body(), Duration.ofSeconds(10));
            await("connected", Duration.ofSeconds(10), () -> live("loop-409") != null && live("loop-409").srtpReady());
            HttpResponse<String> c = third.post(t.whip + "/whip/loop-409", token, third.offer(Setup.ACTPASS));
            assertThat(c.statusCode()).as(c.body()).isEqualTo(409);
            assertThat(second.delete(token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void patchTrickleIs204AndIceRestartGets200WithANewEtag() throws Exception {
        String token = t.register("loop-patch", "");
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/loop-patch", token, pub.offer(Setup.ACTPASS));
            String etag = r.headers().firstValue("etag").orElseThrow();
            String url = pub.location();
            HttpResponse<String> trickle = t.send("PATCH", url, "application/trickle-ice-sdpfrag",
                    "a=candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host\r\na=end-of-candidates\r\n",
                    "Authorization", "Bearer " + token, "If-Match", etag);
            assertThat(trickle.statusCode()).as(trickle.body()).isEqualTo(204);
            HttpResponse<String> stale = t.send("PATCH", url, "application/trickle-ice-sdpfrag",
                    "a=ice-ufrag:newu\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n",
                    "Authorization", "Bearer " + token, "If-Match", "\"not-the-etag\"");
            assertThat(stale.statusCode()).isEqualTo(412);
            HttpResponse<String> restart = t.send("PATCH", url, "application/trickle-ice-sdpfrag",
                    "a=ice-ufrag:newu\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n",
                    "Authorization", "Bearer " + token, "If-Match", etag);
            assertThat(restart.statusCode()).as(restart.body()).isEqualTo(200);
            assertThat(restart.headers().firstValue("etag").orElseThrow()).isNotEqualTo(etag);
            assertThat(restart.body()).contains("a=ice-ufrag:").contains("a=ice-pwd:").contains("candidate");
            HttpResponse<String> wrongType = t.send("PATCH", url, "application/sdp", "a=x\r\n",
                    "Authorization", "Bearer " + token);
            assertThat(wrongType.statusCode()).isEqualTo(415);
            assertThat(pub.delete(token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void offersThatCannotBeAcceptedGetClearErrors() throws Exception {
        String token = t.register("loop-422", "\"video\":{\"decoder_preferences\":[\"ffmpeg_vp9\"]}");
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/loop-422", token, pub.offer(Setup.ACTPASS));
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains("H264").contains("VP9");
            HttpResponse<String> garbage = pub.post(t.whip + "/whip/loop-422", token, "this is not sdp");
            assertThat(garbage.statusCode()).isEqualTo(400);
        }
        assertThat(live("loop-422")).isNull();
    }

    @Test
    void aPublisherThatVanishesIsClosedAfterTheConsentTimeoutAndTheInputTakesANewOne() throws Exception {
        String token = t.register("loop-vanish", "");
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/loop-vanish", token, pub.offer(Setup.ACTPASS));
            pub.connect(r.body(), Duration.ofSeconds(10));
            await("connected", Duration.ofSeconds(10), () -> live("loop-vanish") != null && live("loop-vanish").srtpReady());
        }
        // the publisher is gone without DELETE: no more consent checks
        await("consent expiry closes the session", Duration.ofSeconds(10), () -> live("loop-vanish") == null);
        assertThat(t.server.registry().get("loop-vanish").orElseThrow().state()).isEqualTo(InputState.WAITING_FOR_PUBLISHER);
        try (LoopbackPublisher again = new LoopbackPublisher()) {
            HttpResponse<String> r = again.post(t.whip + "/whip/loop-vanish", token, again.offer(Setup.ACTPASS));
            assertThat(r.statusCode()).isEqualTo(201);
            again.connect(r.body(), Duration.ofSeconds(10));
            await("reconnected", Duration.ofSeconds(10), () -> live("loop-vanish") != null && live("loop-vanish").srtpReady());
            assertThat(again.delete(token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aLivePublisherKeepsItsInputButASilentOneIsReplacedByTheNextOffer() throws Exception {
        String id = "loop-replace";
        String token = t.register(id, "");
        WebRtcTransport.LiveSession first;
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/" + id, token, pub.offer(Setup.ACTPASS));
            pub.connect(r.body(), Duration.ofSeconds(10));
            first = live(id);
            await("connected", Duration.ofSeconds(10), first::srtpReady);
            try (LoopbackPublisher second = new LoopbackPublisher()) {
                HttpResponse<String> busy = second.post(t.whip + "/whip/" + id, token, second.offer(Setup.ACTPASS));
                assertThat(busy.statusCode()).as("a live publisher keeps its input").isEqualTo(409);
            }
        }
        // the publisher is gone without DELETE (killed): after INGOT_DISCONNECT_TIMEOUT_MS (here 750 ms, half the
        // consent timeout) it counts as disconnected, before the consent timeout closes it
        await("marked disconnected", Duration.ofSeconds(10), first::disconnected);
        assertThat(first.driver().isClosed()).isFalse();
        try (LoopbackPublisher again = new LoopbackPublisher()) {
            HttpResponse<String> r = again.post(t.whip + "/whip/" + id, token, again.offer(Setup.ACTPASS));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(first.driver().isClosed()).as("the silent session was replaced").isTrue();
            again.connect(r.body(), Duration.ofSeconds(10));
            await("the new one connected", Duration.ofSeconds(10), () -> live(id) != null && live(id).srtpReady());
            assertThat(live(id)).isNotSameAs(first);
            assertThat(again.delete(token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unregisterWhileStreamingEndsTheSession() throws Exception {
        String token = t.register("loop-unreg", "");
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/loop-unreg", token, pub.offer(Setup.ACTPASS));
            pub.connect(r.body(), Duration.ofSeconds(10));
            WebRtcTransport.LiveSession live = live("loop-unreg");
            await("connected", Duration.ofSeconds(10), live::srtpReady);
            assertThat(t.postJson("/api/input/loop-unreg/unregister", "{}").statusCode()).isEqualTo(200);
            await("session closed", Duration.ofSeconds(5), () -> live.driver().isClosed());
            assertThat(t.server.transport().sessions()).doesNotContain(live);
        }
    }
}
