package dev.ingot.server.faults;

import static dev.ingot.server.faults.FaultTools.awaitLive;
import static dev.ingot.server.faults.FaultTools.live;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.net.WebRtcTransport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A publisher that disappears without DELETE (crash, network gone, laptop lid): with no consent checks the
 * session ends after the ICE consent timeout (RFC 7675), its socket and threads go, the input waits again and a
 * new publisher is taken.
 */
class PublisherVanishesTest {
    static final int CONSENT_MS = 1500;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", Integer.toString(CONSENT_MS)));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** After the old session is gone: a new publisher is accepted and its media arrives. */
    private static void newPublisherIsTaken(String id, String token) throws Exception {
        try (StreamingPublisher again = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 300)) {
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            Resources.await("media from the new publisher", 15_000, () -> s.driver().counters().videoPackets() > 20);
            assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.CONNECTED);
            assertThat(again.deleteAndClose()).isEqualTo(200);
        }
    }

    private static void assertCleanedUp(String id, WebRtcTransport.LiveSession old) {
        Resources.await("consent expiry ends the session", CONSENT_MS + 10_000, () -> live(t, id).isEmpty());
        assertThat(old.driver().isClosed()).isTrue();
        assertThat(t.server.transport().sessions()).doesNotContain(old);
        assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.WAITING_FOR_PUBLISHER);
        int port = old.driver().endpoint().port();
        Resources.await("UDP port " + port + " released", 5000, () -> FaultTools.udpPortFree(port));
        FaultTools.awaitNoSessionThreads(id, 5000);
    }

    @Test
    void aLoopbackPublisherThatStopsWithoutDeleteIsDroppedAfterTheConsentTimeout() throws Exception {
        String id = "vanish-loop";
        String token = t.register(id, "");
        StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 300);
        WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
        Resources.await("media flowing", 15_000, () -> s.driver().counters().videoPackets() > 20);
        // alive well past the consent timeout while checks keep coming
        Thread.sleep(CONSENT_MS + 500);
        assertThat(s.driver().isClosed()).as("consent checks keep the session").isFalse();
        long vanishedAt = System.nanoTime();
        pub.vanish();
        assertCleanedUp(id, s);
        long tookMs = (System.nanoTime() - vanishedAt) / 1_000_000;
        assertThat(tookMs).as("not before consent could have expired").isGreaterThanOrEqualTo(CONSENT_MS - 400);
        newPublisherIsTaken(id, token);
    }

    @Test
    void anFfmpegPublisherKilledWithSigkillIsDroppedAfterTheConsentTimeout() throws Exception {
        FaultTools.require("the FFmpeg 8.1 CLI (interop/ffmpeg)", FaultTools.ffmpegPresent());
        String id = "vanish-ffmpeg";
        String token = t.register(id, "");
        Path log = FaultTools.logFile("vanish-ffmpeg");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "interop/ffmpeg-whip.sh", t.whip + "/whip/" + id, token))
                .directory(FaultTools.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("INGOT_CACHE", FaultTools.CACHE.toString());
        Process ffmpeg = pb.start();
        try {
            WebRtcTransport.LiveSession s = awaitLive(t, id, 20_000);
            Resources.await("FFmpeg's media flowing (log: " + log + ")", 30_000,
                    () -> s.driver().counters().videoPackets() > 50 && s.driver().counters().audioPackets() > 10);
            FaultTools.killHard(ffmpeg);
            assertThat(ffmpeg.isAlive()).isFalse();
            assertCleanedUp(id, s);
        } finally {
            FaultTools.killHard(ffmpeg);
        }
        newPublisherIsTaken(id, token);
    }
}
