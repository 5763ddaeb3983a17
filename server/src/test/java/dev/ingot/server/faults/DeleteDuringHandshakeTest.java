package dev.ingot.server.faults;

import static dev.ingot.server.faults.FaultTools.awaitLive;
import static dev.ingot.server.faults.FaultTools.live;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.net.LoopbackPublisher;
import dev.ingot.server.net.WebRtcTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DELETE while the session is still being set up: before any ICE check, and after ICE while DTLS is in progress
 * (Ingot as DTLS server waiting for a ClientHello, and as DTLS client retransmitting one). Each time the session's
 * socket, reader, timer and DTLS threads all go, and the input takes a new offer.
 */
class DeleteDuringHandshakeTest {
    static TestServer t;
    final SecureRandom rng = new SecureRandom();

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "30000"));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void assertGone(String id, WebRtcTransport.LiveSession s) {
        Resources.await("session removed", 5000, () -> live(t, id).isEmpty());
        assertThat(s.driver().isClosed()).isTrue();
        int port = s.driver().endpoint().port();
        Resources.await("UDP port " + port + " released", 5000, () -> FaultTools.udpPortFree(port));
        FaultTools.awaitNoSessionThreads(id, 5000);
        assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.WAITING_FOR_PUBLISHER);
    }

    private static void takesANewOffer(String id, String token) throws Exception {
        try (LoopbackPublisher again = new LoopbackPublisher()) {
            HttpResponse<String> r = again.post(t.whip + "/whip/" + id, token, again.offer(Setup.ACTPASS));
            assertThat(r.statusCode()).isEqualTo(201);
            again.connect(r.body(), java.time.Duration.ofSeconds(15));
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            Resources.await("connected", 15_000, s::srtpReady);
            assertThat(again.delete(token).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void deleteBeforeAnyIceCheckFreesEverything() throws Exception {
        String id = "del-pre-ice";
        String token = t.register(id, "");
        int fdsBefore = Resources.countOpenFds();
        try (LoopbackPublisher pub = new LoopbackPublisher()) {
            HttpResponse<String> r = pub.post(t.whip + "/whip/" + id, token, pub.offer(Setup.ACTPASS));
            assertThat(r.statusCode()).isEqualTo(201);
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            assertThat(FaultTools.sessionThreads(id)).as("reader and timer running").isNotEmpty();
            assertThat(pub.delete(token).statusCode()).isEqualTo(200);
            assertGone(id, s);
        }
        Resources.await("file descriptors back (" + fdsBefore + ")", 5000,
                () -> Resources.countOpenFds() <= fdsBefore);
        takesANewOffer(id, token);
    }

    @ParameterizedTest
    @EnumSource(value = Setup.class, names = {"ACTPASS", "PASSIVE"})
    void deleteAfterIceWhileDtlsIsUnderwayFreesEverything(Setup setup) throws Exception {
        String id = "del-dtls-" + setup.name().toLowerCase();
        String token = t.register(id, "");
        int fdsBefore = Resources.countOpenFds();
        try (LoopbackPublisher pub = new LoopbackPublisher();
                DatagramSocket ice = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String offer = pub.offer(setup);
            HttpResponse<String> r = pub.post(t.whip + "/whip/" + id, token, offer);
            assertThat(r.statusCode()).isEqualTo(201);
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            // ICE by hand from a socket that then never speaks DTLS
            byte[] check = FaultTools.bindingRequest(rng, FaultTools.sdpAttribute(r.body(), "ice-ufrag"),
                    FaultTools.sdpAttribute(r.body(), "ice-pwd"), FaultTools.sdpAttribute(offer, "ice-ufrag"));
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.driver().endpoint().port());
            ice.send(new DatagramPacket(check, check.length, server));
            ice.setSoTimeout(5000);
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            ice.receive(p);
            assertThat(buf[0] & 0xff).as("a STUN response").isLessThanOrEqualTo(3);
            Resources.await("DTLS started", 5000, () -> FaultTools.sessionThreads(id).contains("dtls-" + id));
            if (setup == Setup.PASSIVE) {
                // Ingot is the DTLS client: its ClientHello arrives and is left unanswered
                boolean sawDtls = false;
                for (int i = 0; i < 5 && !sawDtls; i++) {
                    ice.receive(p);
                    sawDtls = (buf[0] & 0xff) == 22;
                }
                assertThat(sawDtls).as("a DTLS handshake record from Ingot").isTrue();
            }
            assertThat(s.srtpReady()).isFalse();
            assertThat(pub.delete(token).statusCode()).isEqualTo(200);
            assertGone(id, s);
            // nothing more comes from the session once it is gone (no DTLS retransmissions from a leaked thread);
            // what was already queued before the DELETE is drained first
            ice.setSoTimeout(1500);
            boolean quiet = false;
            for (int i = 0; i < 20 && !quiet; i++) {
                try {
                    ice.receive(p);
                } catch (SocketTimeoutException e) {
                    quiet = true;
                }
            }
            assertThat(quiet).as("the closed session went quiet").isTrue();
        }
        Resources.await("file descriptors back (" + fdsBefore + ")", 5000,
                () -> Resources.countOpenFds() <= fdsBefore);
        takesANewOffer(id, token);
    }
}
