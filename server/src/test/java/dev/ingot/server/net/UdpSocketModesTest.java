package dev.ingot.server.net;

import static dev.ingot.server.net.WhipSessionLoopbackTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import java.net.DatagramSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The UDP port modes and candidate addresses: mux port, port range, 1:1 NAT IPs. */
class UdpSocketModesTest {

    private static List<IceCandidate> candidates(String answer) throws Exception {
        return SessionDescription.parse(answer).media().get(0).candidates();
    }

    private static void publishTwo(TestServer t, String prefix) throws Exception {
        for (int i = 0; i < 2; i++) {
            String id = prefix + i;
            String token = t.register(id, "");
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                HttpResponse<String> r = pub.post(t.whip + "/whip/" + id, token, pub.offer(Setup.ACTPASS));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                pub.connect(r.body(), Duration.ofSeconds(10));
                var in = t.server.registry().get(id).orElseThrow();
                await("SRTP on " + id, Duration.ofSeconds(10),
                        () -> t.server.transport().sessionOf(in).map(WebRtcTransport.LiveSession::srtpReady).orElse(false));
                var live = t.server.transport().sessionOf(in).orElseThrow();
                for (int k = 0; k < 20; k++) {
                    pub.sendRtp(true, new byte[500], k * 3000L, false);
                }
                await("media on " + id, Duration.ofSeconds(5), () -> live.driver().counters().videoPackets() == 20);
            }
        }
    }

    @Test
    void oneMuxPortCarriesEverySessionDemultiplexedByUfragAndAddress() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestServer t = new TestServer(Map.of("SMELTER_WEBRTC_UDP_MUX_PORT", Integer.toString(port),
                "SMELTER_WEBRTC_UDP_PORT_RANGE", "40000:40010"))) {
            String token = t.register("mux-probe", "");
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                HttpResponse<String> r = pub.post(t.whip + "/whip/mux-probe", token, pub.offer(Setup.ACTPASS));
                assertThat(candidates(r.body())).allSatisfy(c -> assertThat(c.port()).isEqualTo(port));
                assertThat(pub.delete(token).statusCode()).isEqualTo(200);
            }
            publishTwo(t, "mux-");
        }
    }

    @Test
    void sessionsTakeTheirPortsFromTheConfiguredRange() throws Exception {
        try (TestServer t = new TestServer(Map.of("SMELTER_WEBRTC_UDP_PORT_RANGE", "47100:47110"))) {
            String token = t.register("range", "");
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                HttpResponse<String> r = pub.post(t.whip + "/whip/range", token, pub.offer(Setup.ACTPASS));
                assertThat(candidates(r.body())).allSatisfy(c -> assertThat(c.port()).isBetween(47100, 47110));
                assertThat(pub.delete(token).statusCode()).isEqualTo(200);
            }
            publishTwo(t, "range-");
        }
    }

    @Test
    void natIpsReplaceHostCandidateAddresses() throws Exception {
        try (TestServer t = new TestServer(Map.of("SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1,203.0.113.9"))) {
            String token = t.register("nat", "");
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                HttpResponse<String> r = pub.post(t.whip + "/whip/nat", token, pub.offer(Setup.ACTPASS));
                assertThat(candidates(r.body())).extracting(IceCandidate::address).containsExactly("127.0.0.1", "203.0.113.9");
                assertThat(pub.delete(token).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void withoutNatIpsEveryUsableInterfaceIsACandidateAndLoopbackComesFirstForLocalPublishers() throws Exception {
        try (TestServer t = new TestServer()) {
            String token = t.register("hosts", "");
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                HttpResponse<String> r = pub.post(t.whip + "/whip/hosts", token, pub.offer(Setup.ACTPASS));
                List<IceCandidate> cs = candidates(r.body());
                assertThat(cs.get(0).address()).isEqualTo("127.0.0.1");
                assertThat(cs).extracting(IceCandidate::address).containsAll(HostAddresses.interfaceAddresses());
                assertThat(pub.delete(token).statusCode()).isEqualTo(200);
            }
        }
    }
}
