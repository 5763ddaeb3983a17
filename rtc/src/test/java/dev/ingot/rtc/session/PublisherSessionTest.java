package dev.ingot.rtc.session;

import static dev.ingot.rtc.session.SessionHarness.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.rtcp.GenericNack;
import dev.ingot.rtc.rtcp.PictureLossIndication;
import dev.ingot.rtc.rtcp.ReceiverReport;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.SourceDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PublisherSession} driven through a simulated network in virtual time ({@link SessionHarness}): no
 * sockets, no sleeps, the same result every run.
 */
class PublisherSessionTest {
    private static final long SECOND = 1000 * MS;

    /** Connected and keyed at once, streaming for {@code seconds}, consent checks every 500 ms. */
    private static SessionHarness streaming(SessionHarness h, int seconds) {
        long end = h.now + seconds * SECOND;
        h.connect(500 * MS, end);
        h.runFor(50 * MS);
        h.installKeys();
        h.stream(end);
        h.runUntil(end + SECOND);
        return h;
    }

    private static SessionHarness harness(long seed, boolean rtx, RtcpMode mode) {
        return new SessionHarness(seed, SessionHarness.params(rtx, mode));
    }

    // ---- receiver reports ----

    @Test
    void receiverReportsGoAtARandomisedIntervalAroundOneSecondWithA96BitCname() {
        SessionHarness h = streaming(harness(1, true, RtcpMode.COMPOUND), 60);
        List<Long> times = new ArrayList<>();
        for (SessionHarness.RtcpDatagram d : h.rtcp) {
            if (d.packets().getFirst() instanceof ReceiverReport rr && !rr.reports().isEmpty()) {
                times.add(d.atNanos());
            }
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        assertThat(gaps).hasSizeGreaterThan(45).allSatisfy(g -> assertThat(g).isBetween(490 * MS, 1510 * MS));
        assertThat(new HashSet<>(gaps)).as("randomised, not fixed").hasSizeGreaterThan(gaps.size() / 2);
        double mean = gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertThat(mean).isBetween(0.85e9, 1.15e9);
        SourceDescription sdes = h.rtcpOf(SourceDescription.class).getFirst();
        assertThat(sdes.chunks().getFirst().cname().orElseThrow()).matches("[0-9a-f]{24}");
        assertThat(h.session.counters().srtpAuthFailures()).isZero();
    }

    // ---- compound or reduced size ----

    @Test
    void withoutRtcpRsizeEveryDatagramIsCompoundWithReceiverReportAndSdesFirst() {
        SessionHarness h = harness(2, true, RtcpMode.COMPOUND);
        h.loseRtp(0.03);
        streaming(h, 20);
        assertThat(h.rtcpOf(GenericNack.class)).isNotEmpty();
        for (SessionHarness.RtcpDatagram d : h.rtcp) {
            assertThat(d.packets().get(0)).isInstanceOf(ReceiverReport.class);
            assertThat(d.packets().get(1)).isInstanceOf(SourceDescription.class);
        }
        assertThat(h.rtcp.stream().filter(d -> d.packets().size() > 2)).as("feedback rides in compounds").isNotEmpty();
    }

    @Test
    void withRtcpRsizeFeedbackGoesAloneAndReportsStayCompound() {
        for (RtcpMode mode : List.of(RtcpMode.REDUCED_SIZE, RtcpMode.FEEDBACK_ALONE)) {
            SessionHarness h = harness(3, true, mode);
            h.loseRtp(0.03);
            streaming(h, 20);
            assertThat(h.rtcpOf(GenericNack.class)).isNotEmpty();
            for (SessionHarness.RtcpDatagram d : h.rtcp) {
                List<RtcpPacket> p = d.packets();
                if (p.getFirst() instanceof ReceiverReport) {
                    assertThat(p).hasSize(2);
                    assertThat(p.get(1)).isInstanceOf(SourceDescription.class);
                } else {
                    assertThat(p).as("%s: a feedback message alone", mode).hasSize(1);
                }
            }
        }
    }

    // ---- NACK, RTX, resends on the media SSRC, give-up and keyframes ----

    @Test
    void lossIsNackedAndRepairedThroughRtx() {
        SessionHarness h = harness(4, true, RtcpMode.COMPOUND);
        h.loseRtp(0.05);
        streaming(h, 20);
        Set<Integer> seen = new HashSet<>();
        long repaired = 0;
        for (SessionHarness.Delivered d : h.video()) {
            seen.add(d.seq());
            if (d.repaired()) {
                repaired++;
            }
        }
        System.out.printf("[session] 5%% loss, RTX: %d of %d video packets dropped, %d repaired, %d NACKs%n",
                h.up.dropped, h.videoPacketsSent, repaired, h.rtcpOf(GenericNack.class).size());
        assertThat(repaired).isPositive();
        assertThat(h.session.counters().videoRtxPackets()).isEqualTo(repaired);
        long[] nack = h.session.feedback().nackFigures();
        assertThat(nack[1]).as("recovered").isEqualTo(repaired);
        // every video packet arrived in the end, except resends that were lost too and then given up (and a loss
        // in the very last frame, which no later packet reveals)
        assertThat(seen.size() + nack[2]).isGreaterThanOrEqualTo(h.videoPacketsSent - h.packetsPerFrame);
        assertThat(h.session.feedback().lossFigures(MediaKind.VIDEO)[1]).as("lost = given up").isEqualTo(nack[2]);
    }

    @Test
    void resendsOnTheMediaSsrcCountAsRecoveredLikeRtx() {
        SessionHarness h = harness(5, false, RtcpMode.COMPOUND);
        h.resend = SessionHarness.Resend.MEDIA_SSRC;
        h.loseRtp(0.05);
        streaming(h, 20);
        long repaired = h.video().stream().filter(SessionHarness.Delivered::repaired).count();
        assertThat(repaired).isPositive();
        assertThat(h.session.counters().videoResentOnMediaSsrc()).isEqualTo(repaired);
        assertThat(h.session.counters().videoRtxPackets()).isZero();
        assertThat(h.session.feedback().nackFigures()[1]).isEqualTo(repaired);
    }

    @Test
    void rtxPacketsArriveUnwrappedWithTheMediaPayloadTypeSequenceAndSsrc() {
        SessionHarness h = harness(6, true, RtcpMode.COMPOUND);
        h.loseRtp(0.05);
        List<int[]> unwrapped = new ArrayList<>();
        SessionHarness wrapped = streaming(h, 5);
        for (SessionHarness.Delivered d : wrapped.video()) {
            if (d.repaired()) {
                unwrapped.add(new int[] {d.seq()});
            }
        }
        assertThat(unwrapped).isNotEmpty();
        // the sink saw each repaired sequence number once as an original gap filler: no duplicates of received ones
        Set<Integer> originals = new HashSet<>();
        for (SessionHarness.Delivered d : h.video()) {
            if (!d.repaired()) {
                originals.add(d.seq());
            }
        }
        for (int[] u : unwrapped) {
            assertThat(originals).as("seq %d came both ways", u[0]).doesNotContain(u[0]);
        }
    }

    @Test
    void aPublisherThatNeverResendsGetsItsLossesGivenUpAndKeyframeRequestsPacedByTheRoundTrip() {
        SessionHarness h = harness(7, true, RtcpMode.COMPOUND);
        h.resend = SessionHarness.Resend.NONE;
        h.answersPli = false; // the picture stays broken: requests keep coming, paced
        h.session.setPlayoutDeadline(MediaKind.VIDEO, 200 * MS);
        long end = h.now + 10 * SECOND;
        h.connect(500 * MS, end);
        h.runFor(50 * MS);
        h.installKeys();
        h.stream(end);
        h.runFor(3 * SECOND);
        h.loseRtp(0.02);
        h.runUntil(end);
        long[] nack = h.session.feedback().nackFigures();
        assertThat(nack[2]).as("given up").isPositive();
        List<Long> pliTimes = new ArrayList<>();
        for (SessionHarness.RtcpDatagram d : h.rtcp) {
            if (d.packets().stream().anyMatch(p -> p instanceof PictureLossIndication)) {
                pliTimes.add(d.atNanos());
            }
        }
        long rtt = h.session.feedback().rttNanos();
        System.out.printf("[session] no resends, no keyframes: %d given up, %d PLIs in 7 s, RTT estimate %d ms%n",
                nack[2], pliTimes.size(), rtt / MS);
        for (int i = 1; i < pliTimes.size(); i++) {
            assertThat(pliTimes.get(i) - pliTimes.get(i - 1)).as("PLI spacing")
                    .isGreaterThanOrEqualTo(RtcpFeedback.MIN_KEYFRAME_INTERVAL_NANOS - MS);
        }
        assertThat(pliTimes.size()).as("more than one a second while the picture is broken").isGreaterThan(7 * 2);
        assertThat(pliTimes.size()).as("bounded").isLessThanOrEqualTo(7 * 10 + 1);
    }

    @Test
    void videoWithoutAKeyframeGetsAPliAtOnceAndTheKeyframeStopsTheRequests() {
        SessionHarness h = harness(8, true, RtcpMode.COMPOUND);
        h.keyframeNext = false; // joined mid-stream: the first frames are deltas
        streaming(h, 5);
        List<SessionHarness.RtcpDatagram> plis = h.rtcp.stream()
                .filter(d -> d.packets().stream().anyMatch(p -> p instanceof PictureLossIndication)).toList();
        long firstVideo = h.video().getFirst().arrivalNanos();
        assertThat(plis).as("one request, answered").hasSize(1);
        assertThat(plis.getFirst().atNanos() - firstVideo).as("sent at once (plus the path)")
                .isEqualTo(h.down.delayNanos);
        assertThat(h.keyframesSent).isEqualTo(1);
    }

    @Test
    void reorderingWithoutLossCausesAlmostNoNacksAndNoLoss() {
        SessionHarness h = harness(9, true, RtcpMode.COMPOUND);
        h.up.delayNanos = 30 * MS;
        h.up.jitterNanos = 10 * MS;
        streaming(h, 20);
        long[] nack = h.session.feedback().nackFigures();
        System.out.printf("[session] 30±10 ms, no loss: %d video packets, %d NACKed, %d only late%n",
                h.videoPacketsSent, nack[0], nack[3]);
        assertThat(nack[0]).as("NACKs").isLessThanOrEqualTo(h.videoPacketsSent / 100);
        assertThat(h.session.feedback().lossFigures(MediaKind.VIDEO)[1]).isZero();
        assertThat(h.session.feedback().lossFigures(MediaKind.AUDIO)[1]).isZero();
    }

    // ---- SRTP before the keys ----

    @Test
    void srtpThatArrivedBeforeTheKeysIsPlayedInWithItsArrivalTimes() {
        SessionHarness h = harness(10, true, RtcpMode.COMPOUND);
        h.connect(500 * MS, h.now + 5 * SECOND);
        h.runFor(50 * MS);
        List<Long> sentAt = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t = h.now + i * 30 * MS;
            int seq = 500 + i;
            byte kind = i == 0 ? SessionHarness.KEYFRAME : SessionHarness.DELTA;
            h.at(t, () -> h.send(h.videoPacket(seq, kind)));
            sentAt.add(t + h.up.delayNanos);
        }
        h.runFor(400 * MS);
        assertThat(h.video()).as("nothing before the keys").isEmpty();
        h.installKeys();
        assertThat(h.video()).extracting(SessionHarness.Delivered::arrivalNanos).containsExactlyElementsOf(sentAt);
        assertThat(h.video()).extracting(SessionHarness.Delivered::seq).startsWith(500, 501);
    }

    // ---- liveness ----

    @Test
    void aPublisherThatStreamsWithoutConsentChecksStaysLive() {
        // libnice (GStreamer webrtcbin) sends no check after ICE completes
        SessionHarness h = harness(11, true, RtcpMode.COMPOUND);
        h.connect(10 * SECOND, h.now + 1); // one check, then none
        h.runFor(50 * MS);
        h.installKeys();
        h.stream(h.now + 60 * SECOND);
        h.runFor(60 * SECOND);
        assertThat(h.session.isClosed()).isFalse();
        assertThat(h.eventsOf(SessionEvent.Disconnected.class)).isEmpty();
        assertThat(h.eventsOf(SessionEvent.Closed.class)).isEmpty();
    }

    @Test
    void silenceMarksDisconnectedTrafficMarksLiveAgainAndLongSilenceCloses() {
        SessionHarness h = new SessionHarness(12, SessionHarness.params(true, RtcpMode.COMPOUND,
                Duration.ofSeconds(30), Duration.ofSeconds(5)));
        h.connect(10 * SECOND, h.now + 1);
        h.runFor(50 * MS);
        h.installKeys();
        h.stream(h.now + 10 * SECOND);
        h.runFor(10 * SECOND);
        long lastMedia = h.delivered.getLast().arrivalNanos();
        h.runFor(4 * SECOND);
        assertThat(h.eventsOf(SessionEvent.Disconnected.class)).isEmpty();
        h.runFor(2 * SECOND);
        List<SessionEvent.Disconnected> d = h.eventsOf(SessionEvent.Disconnected.class);
        assertThat(d).hasSize(1);
        assertThat(d.getFirst().silentNanos()).isEqualTo(5 * SECOND);
        assertThat(h.session.isDisconnected()).isTrue();
        assertThat(h.session.isClosed()).isFalse();

        h.stream(h.now + SECOND); // back
        h.runFor(100 * MS);
        assertThat(h.eventsOf(SessionEvent.Reconnected.class)).hasSize(1);
        assertThat(h.session.isDisconnected()).isFalse();

        h.runFor(SECOND);
        long quietFrom = h.delivered.getLast().arrivalNanos();
        h.runUntil(quietFrom + 30 * SECOND - MS);
        assertThat(h.session.isClosed()).isFalse();
        assertThat(h.eventsOf(SessionEvent.Disconnected.class)).hasSize(2);
        h.runFor(2 * MS);
        assertThat(h.session.isClosed()).isTrue();
        assertThat(h.eventsOf(SessionEvent.Closed.class).getFirst().reason()).contains("nothing from the publisher");
        assertThat(lastMedia).isPositive();
    }

    @Test
    void aSessionThatNeverConnectedIsNeverMarkedDisconnected() {
        SessionHarness h = harness(13, true, RtcpMode.COMPOUND);
        h.runFor(20 * SECOND);
        assertThat(h.eventsOf(SessionEvent.Disconnected.class)).isEmpty();
        h.runFor(11 * SECOND);
        assertThat(h.session.isClosed()).isTrue();
    }

    // ---- ICE restart ----

    @Test
    void iceRestartKeepsTheSessionAndItsMediaGoing() {
        SessionHarness h = harness(14, true, RtcpMode.COMPOUND);
        long end = h.now + 20 * SECOND;
        h.connect(500 * MS, h.now + 4 * SECOND); // checks with the first credentials stop before the restart
        h.runFor(50 * MS);
        h.installKeys();
        h.stream(end);
        h.runFor(4 * SECOND);
        IceCredentials fresh = new IceCredentials("newUfrag", "newServerPasswordOf24Ch+");
        h.session.ice().restart(fresh, "newPubUf", "newPublisherPassword0123");
        for (int i = 0; i < 30; i++) {
            h.at(h.now + 100 * MS + i * 500 * MS, () -> h.checkWith(fresh, "newPubUf"));
        }
        h.runUntil(end);
        assertThat(h.session.isClosed()).isFalse();
        assertThat(h.eventsOf(SessionEvent.Disconnected.class)).isEmpty();
        assertThat(h.session.ice().localCredentials()).isEqualTo(fresh);
        assertThat(h.session.ice().previousLocalCredentials()).as("restart complete").isNull();
        assertThat(h.session.counters().stunDropped()).isZero();
    }
}
