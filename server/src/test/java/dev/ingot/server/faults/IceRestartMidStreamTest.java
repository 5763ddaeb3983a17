package dev.ingot.server.faults;

import static dev.ingot.server.faults.FaultTools.awaitLive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.rtc.session.SessionCounters;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.net.WebRtcTransport;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ICE restart (PATCH with new ufrag/pwd) while media flows: the session stays, media keeps arriving, the
 * publisher's checks with the new credentials complete the restart, and they alone keep consent fresh after it.
 */
class IceRestartMidStreamTest {
    static final int CONSENT_MS = 1500;

    @Test
    void mediaKeepsFlowingThroughAnIceRestartAndTheNewCredentialsKeepConsent() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", Integer.toString(CONSENT_MS)))) {
            String id = "restart";
            String token = t.register(id, "");
            try (StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 250)) {
                WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
                Resources.await("media flowing", 15_000, () -> s.driver().counters().videoPackets() > 50);
                String oldRemoteUfrag = s.negotiated().remoteIceUfrag();
                String oldLocalUfrag = s.driver().withSession(x -> x.ice().localCredentials().ufrag());
                String oldEtag = pub.etag();

                HttpResponse<String> r = pub.restartIce();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(pub.etag()).isNotEqualTo(oldEtag);
                String newLocalUfrag = FaultTools.sdpAttribute(r.body(), "ice-ufrag");
                assertThat(newLocalUfrag).isNotEqualTo(oldLocalUfrag);
                long packetsAtRestart = s.driver().counters().videoPackets();

                // the publisher's next checks carry the new credentials and complete the restart
                Resources.await("restart completed", 5000, () -> s.driver().withSession(x ->
                        x.ice().previousLocalCredentials() == null
                                && x.ice().localCredentials().ufrag().equals(newLocalUfrag)));
                String newRemoteUfrag = s.driver().withSession(x -> x.ice().remoteUfrag());
                assertThat(newRemoteUfrag).isNotEqualTo(oldRemoteUfrag);

                // two consent timeouts later the session is still the same one, fed by checks with the new
                // credentials only (the old ones are no longer accepted), and media never stopped
                Thread.sleep(2L * CONSENT_MS);
                assertThat(s.driver().isClosed()).isFalse();
                assertThat(FaultTools.live(t, id)).containsSame(s);
                IceCredentials current = s.driver().withSession(x -> x.ice().localCredentials());
                assertThat(current.ufrag()).isEqualTo(newLocalUfrag);
                SessionCounters.Snapshot c = s.driver().counters();
                assertThat(c.videoPackets()).as("media after the restart").isGreaterThan(packetsAtRestart + 100);
                assertThat(c.srtpAuthFailures()).isZero();
                assertThat(c.fromUnknownAddress()).isZero();
                assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.CONNECTED);
                assertThat(pub.deleteAndClose()).isEqualTo(200);
            }
        }
    }
}
