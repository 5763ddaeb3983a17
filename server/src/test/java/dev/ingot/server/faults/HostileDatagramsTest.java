package dev.ingot.server.faults;

import static dev.ingot.server.faults.FaultTools.awaitLive;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import dev.ingot.rtc.session.SessionCounters;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.net.WebRtcTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Datagrams a live session must shrug off: random bytes and forged STUN/DTLS/RTP from addresses that never passed
 * an ICE check, and SRTP whose authentication tag is wrong. Each is counted where the session says it is
 * (PublisherSession counters), none is answered, and the real publisher's media keeps arriving.
 */
class HostileDatagramsTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of("INGOT_ICE_CONSENT_TIMEOUT_MS", "3000"));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** Where PublisherSession counts a datagram from an address that passed no ICE check (RFC 7983 demux). */
    enum Bucket { STUN_DROPPED, FROM_UNKNOWN_ADDRESS, NOT_DEMUXABLE }

    static Bucket bucketOf(byte first) {
        int b = first & 0xff;
        if (b <= 3) {
            return Bucket.STUN_DROPPED;
        }
        if ((b >= 20 && b <= 63) || (b >= 128 && b <= 191)) {
            return Bucket.FROM_UNKNOWN_ADDRESS;
        }
        return Bucket.NOT_DEMUXABLE;
    }

    @Test
    void garbageAndForgeriesFromUnknownAddressesAreCountedDroppedAndUnanswered() throws Exception {
        String id = "garbage";
        String token = t.register(id, "");
        try (StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 500);
                DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            Resources.await("media flowing", 15_000, () -> s.driver().counters().videoPackets() > 50);
            InetSocketAddress publisherAddress = s.driver().withSession(x -> x.remoteAddress());
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.driver().endpoint().port());
            SessionCounters.Snapshot before = s.driver().counters();

            Random random = new Random(7983);
            long[] expected = new long[3];
            int sent = 0;
            byte[] buf = new byte[1400];
            // crafted first: a well-formed check with a ufrag that is not the session's, a DTLS ClientHello
            // header, an RTP header with the publisher's SSRC
            byte[][] crafted = {
                FaultTools.bindingRequest(new SecureRandom(), "notmine1", "abcdefghijklmnopqrstuvwx", "evil"),
                {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1},
                {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0x22, 0x22, 0x22, 0x22, 1, 2, 3, 4},
            };
            for (byte[] d : crafted) {
                attacker.send(new DatagramPacket(d, d.length, target));
                expected[bucketOf(d[0]).ordinal()]++;
                sent++;
            }
            // then bursts of random datagrams, paced so the socket buffer never overflows (counts stay exact)
            for (int burst = 0; burst < 20; burst++) {
                for (int i = 0; i < 100; i++) {
                    int len = 1 + random.nextInt(buf.length);
                    random.nextBytes(buf);
                    attacker.send(new DatagramPacket(buf, 0, len, target));
                    expected[bucketOf(buf[0]).ordinal()]++;
                    sent++;
                }
                long want = sent;
                Resources.await("burst " + burst + " counted", 10_000, () -> dropped(s.driver().counters(), before) >= want);
            }
            SessionCounters.Snapshot after = s.driver().counters();
            assertThat(after.stunDropped() - before.stunDropped()).isEqualTo(expected[Bucket.STUN_DROPPED.ordinal()]);
            assertThat(after.fromUnknownAddress() - before.fromUnknownAddress())
                    .isEqualTo(expected[Bucket.FROM_UNKNOWN_ADDRESS.ordinal()]);
            assertThat(after.notDemuxable() - before.notDemuxable()).isEqualTo(expected[Bucket.NOT_DEMUXABLE.ordinal()]);
            assertThat(after.srtpAuthFailures()).as("nothing reached SRTP").isEqualTo(before.srtpAuthFailures());
            assertThat(after.dtlsRecords()).as("nothing reached DTLS").isEqualTo(before.dtlsRecords());

            // not one byte back to the sender: no reflection, no amplification
            attacker.setSoTimeout(500);
            byte[] in = new byte[2048];
            boolean answered = true;
            try {
                attacker.receive(new DatagramPacket(in, in.length));
            } catch (SocketTimeoutException e) {
                answered = false;
            }
            assertThat(answered).as("the attacker got a reply").isFalse();

            // the session did not notice
            long videoNow = after.videoPackets();
            Resources.await("media still arriving", 10_000, () -> s.driver().counters().videoPackets() > videoNow + 100);
            InetSocketAddress selectedNow = s.driver().withSession(x -> x.remoteAddress());
            assertThat(selectedNow).as("the selected address").isEqualTo(publisherAddress);
            assertThat(s.driver().isClosed()).isFalse();
            assertThat(t.server.registry().get(id).orElseThrow().state()).isEqualTo(InputState.CONNECTED);
            System.out.printf("[faults] %d hostile datagrams: %d stunDropped, %d fromUnknownAddress, %d notDemuxable%n",
                    sent, expected[0], expected[1], expected[2]);
            assertThat(pub.deleteAndClose()).isEqualTo(200);
        }
    }

    private static long dropped(SessionCounters.Snapshot now, SessionCounters.Snapshot before) {
        return (now.stunDropped() - before.stunDropped()) + (now.fromUnknownAddress() - before.fromUnknownAddress())
                + (now.notDemuxable() - before.notDemuxable());
    }

    @Test
    void srtpWithAWrongAuthenticationTagIsCountedAndNeverDelivered() throws Exception {
        String id = "forged-srtp";
        String token = t.register(id, "");
        try (StreamingPublisher pub = StreamingPublisher.start(t.whip + "/whip/" + id, token, Setup.ACTPASS, 500, 0, 100)) {
            WebRtcTransport.LiveSession s = awaitLive(t, id, 5000);
            Resources.await("audio flowing", 15_000, () -> s.driver().counters().audioPackets() > 10);
            SessionCounters.Snapshot before = s.driver().counters();
            byte[] payload = new byte[900];
            for (int i = 0; i < 50; i++) {
                pub.pub.sendForgedRtp(payload);
            }
            Resources.await("50 authentication failures", 10_000,
                    () -> s.driver().counters().srtpAuthFailures() - before.srtpAuthFailures() == 50);
            SessionCounters.Snapshot after = s.driver().counters();
            assertThat(after.videoPackets()).as("no forged packet delivered").isEqualTo(before.videoPackets());
            assertThat(t.server.registry().get(id).orElseThrow().videoStats()
                    .toJson(System.nanoTime()).get("packets_received")).isEqualTo(0L);
            // the genuine stream goes on; authentic packets still pass (the forged ones did not disturb replay state)
            pub.pub.sendRtp(true, payload, 1234, true);
            Resources.await("an authentic video packet after the forgeries", 5000,
                    () -> s.driver().counters().videoPackets() == before.videoPackets() + 1);
            long audio = after.audioPackets();
            Resources.await("audio still arriving", 5000, () -> s.driver().counters().audioPackets() > audio + 10);
            assertThat(s.driver().isClosed()).isFalse();
            assertThat(pub.deleteAndClose()).isEqualTo(200);
        }
    }
}
