package dev.ingot.server.faults;

import static dev.ingot.server.faults.FaultTools.awaitLive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.net.WebRtcTransport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Twenty connect / publish / disconnect cycles (ending by DELETE, by unregister, and by vanishing into consent
 * expiry in turn) leave the process where it started: open file descriptors, platform threads and all threads
 * (virtual ones included) return to the baseline, within a small slack for JDK and Helidon housekeeping.
 */
class ResourceBaselineTest {
    static final int CYCLES = 20;
    static final int FD_SLACK = 4;
    static final int PLATFORM_THREAD_SLACK = 2;
    static final int ALL_THREAD_SLACK = 4;

    private static void cycle(TestServer t, int i) throws Exception {
        String id = "cycle";
        String token = "cycle-token";
        if (t.server.registry().get(id).isEmpty()) {
            t.register(id, "\"bearer_token\":\"" + token + "\"");
        }
        Setup setup = i % 2 == 0 ? Setup.ACTPASS : Setup.PASSIVE;
        StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token, setup, 300);
        WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
        Resources.await("media in cycle " + i, 15_000, () -> s.driver().counters().videoPackets() > 10);
        switch (i % 3) {
            case 0 -> assertThat(pub.deleteAndClose()).isEqualTo(200);
            case 1 -> {
                assertThat(t.postJson("/api/input/" + id + "/unregister", "{}").statusCode()).isEqualTo(200);
                pub.vanish();
            }
            default -> pub.vanish(); // consent expiry ends it
        }
        Resources.await("cycle " + i + " session closed", 15_000, () -> s.driver().isClosed());
    }

    private static Resources settled() {
        System.gc();
        return Resources.sample();
    }

    @Test
    void twentyPublishCyclesLeaveFileDescriptorsAndThreadsAtBaseline() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "1000",
                "INGOT_WHIP_POSTS_PER_MINUTE_PER_IP", "1000"))) {
            // warm-up: class loading, Helidon's and the HTTP client's first connections, JIT threads
            for (int i = 0; i < 3; i++) {
                cycle(t, i);
            }
            FaultTools.awaitNoSessionThreads("cycle", 10_000);
            Thread.sleep(500);
            Resources base = settled();
            for (int i = 0; i < CYCLES; i++) {
                cycle(t, i);
            }
            FaultTools.awaitNoSessionThreads("cycle", 10_000);
            assertThat(t.server.transport().sessions()).isEmpty();
            Resources.await("fds back to " + base.fds() + " + " + FD_SLACK + " (now " + Resources.countOpenFds() + ")",
                    10_000, () -> Resources.countOpenFds() <= base.fds() + FD_SLACK);
            Resources.await("platform threads back to " + base.platformThreads() + " + " + PLATFORM_THREAD_SLACK,
                    10_000, () -> Thread.getAllStackTraces().size() <= base.platformThreads() + PLATFORM_THREAD_SLACK);
            Resources.await("all threads back to " + base.allThreads() + " + " + ALL_THREAD_SLACK, 10_000,
                    () -> Resources.allThreadNames().size() <= base.allThreads() + ALL_THREAD_SLACK);
            Resources after = settled();
            System.out.printf("[faults] after %d cycles: fds %d -> %d, platform threads %d -> %d, all threads %d -> %d,"
                    + " RSS %d -> %d KiB%n", CYCLES, base.fds(), after.fds(), base.platformThreads(),
                    after.platformThreads(), base.allThreads(), after.allThreads(), base.rssKiB(), after.rssKiB());
        }
    }
}
