package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    static final long MS = 1_000_000L;
    static final long T0 = 5_000 * MS;
    static final long RTT = 10 * MS; // 1.5 * RTT below the 20 ms floor: retries 20 ms apart
    static final NackGenerator.Config DEFAULTS = NackGenerator.Config.defaults();

    static NackGenerator.Config withMaxAge(long maxAgeNanos) {
        var d = DEFAULTS;
        return new NackGenerator.Config(d.reorderGraceNanos(), d.reorderPackets(), d.maxRetries(),
                d.minRetryIntervalNanos(), maxAgeNanos, d.maxMissing(), d.minNackIntervalNanos(), d.maxNacksPerPoll());
    }

    static void feed(NackGenerator nack, long now, int... seqs) {
        for (int seq : seqs) {
            nack.onPacket(seq, now);
        }
    }

    @Test
    void singleLossIsNackedAfterReorderGrace() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4);
        assertThat(nack.missing()).isEqualTo(1);
        assertThat(nack.pollNacks(T0 + 4 * MS, RTT)).isEmpty(); // within 5 ms, one packet after the gap
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(3);
        assertThat(nack.nacksSent()).isEqualTo(1);
        assertThat(nack.nackListsSent()).isEqualTo(1);
    }

    @Test
    void lossIsNackedAtOnceWhenEnoughLaterPacketsArrived() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4, 5);
        assertThat(nack.pollNacks(T0, RTT)).isEmpty(); // two packets after the gap
        feed(nack, T0, 6);
        assertThat(nack.pollNacks(T0, RTT)).containsExactly(3);
    }

    @Test
    void reorderedPacketWithinGraceIsNeverNacked() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4);
        feed(nack, T0 + 2 * MS, 3);
        assertThat(nack.pollNacks(T0 + 50 * MS, RTT)).isEmpty();
        assertThat(nack.reordered()).isEqualTo(1);
        assertThat(nack.recovered()).isZero();
        assertThat(nack.missing()).isZero();
    }

    @Test
    void burstLossNacksEveryMissingNumberInOrder() {
        var nack = new NackGenerator();
        feed(nack, T0, 10, 20);
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(11, 12, 13, 14, 15, 16, 17, 18, 19);
        assertThat(nack.nacksSent()).isEqualTo(9);
    }

    @Test
    void lossAcrossSequenceWrapIsNacked() {
        var nack = new NackGenerator();
        feed(nack, T0, 65533, 65534, 1);
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(65535, 0);
        feed(nack, T0 + 30 * MS, 0);
        assertThat(nack.missing()).isEqualTo(1);
        assertThat(nack.pollNacks(T0 + 30 * MS, RTT)).containsExactly(65535);
    }

    @Test
    void retriesAreSpacedByOneAndAHalfRtt() {
        var nack = new NackGenerator();
        long rtt = 100 * MS;
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS, rtt)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 154 * MS, rtt)).isEmpty();
        assertThat(nack.pollNacks(T0 + 155 * MS, rtt)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 300 * MS, rtt)).isEmpty();
        assertThat(nack.pollNacks(T0 + 305 * MS, rtt)).containsExactly(2);
        assertThat(nack.nacksSent()).isEqualTo(3);
    }

    @Test
    void retriesAreAtLeastTwentyMillisecondsApart() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS, 1 * MS)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 24 * MS, 1 * MS)).isEmpty();
        assertThat(nack.pollNacks(T0 + 25 * MS, 1 * MS)).containsExactly(2);
    }

    @Test
    void packetIsNackedAtMostMaxRetriesTimesThenGivenUpWithKeyframeSignal() {
        var nack = new NackGenerator(withMaxAge(60_000 * MS), null);
        feed(nack, T0, 1, 3);
        int nacked = 0;
        for (long t = T0; t < T0 + 2_000 * MS; t += 5 * MS) {
            nacked += nack.pollNacks(t, RTT).size();
        }
        assertThat(nacked).isEqualTo(10);
        assertThat(nack.givenUp()).isEqualTo(1);
        assertThat(nack.missing()).isZero();
        assertThat(nack.pollKeyframeNeeded()).isTrue();
        assertThat(nack.pollKeyframeNeeded()).isFalse(); // signalled once
    }

    @Test
    void givesUpAfterLastRetryIntervalNotBefore() {
        var nack = new NackGenerator(withMaxAge(60_000 * MS), null);
        feed(nack, T0, 1, 3);
        long t = T0 + 5 * MS;
        for (int i = 0; i < 10; i++) {
            assertThat(nack.pollNacks(t, RTT)).containsExactly(2);
            t += 20 * MS;
        }
        assertThat(nack.pollNacks(t - 1, RTT)).isEmpty();
        assertThat(nack.givenUp()).isZero();
        assertThat(nack.pollNacks(t, RTT)).isEmpty();
        assertThat(nack.givenUp()).isEqualTo(1);
    }

    @Test
    void givesUpAfterMaxAge() {
        var nack = new NackGenerator();
        long rtt = 400 * MS; // retries 600 ms apart: only 2 fit in 1 s
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS, rtt)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 605 * MS, rtt)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 1000 * MS, rtt)).isEmpty();
        assertThat(nack.givenUp()).isZero();
        assertThat(nack.pollKeyframeNeeded()).isFalse();
        assertThat(nack.pollNacks(T0 + 1001 * MS, rtt)).isEmpty();
        assertThat(nack.givenUp()).isEqualTo(1);
        assertThat(nack.pollKeyframeNeeded()).isTrue();
    }

    @Test
    void maxAgeFollowsTheJitterBufferDeadline() {
        var nack = new NackGenerator();
        nack.setMaxAgeNanos(200 * MS);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 201 * MS, RTT)).isEmpty();
        assertThat(nack.givenUp()).isEqualTo(1);
    }

    @Test
    void burstLargerThanMaxMissingIsGivenUpForAKeyframe() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4); // one missing already
        feed(nack, T0, 1000); // 995 more
        assertThat(nack.missing()).isZero();
        assertThat(nack.givenUp()).isEqualTo(996);
        assertThat(nack.pollKeyframeNeeded()).isTrue();
        assertThat(nack.pollNacks(T0 + 100 * MS, RTT)).isEmpty();
        feed(nack, T0 + 100 * MS, 1002); // tracking goes on from there
        assertThat(nack.pollNacks(T0 + 105 * MS, RTT)).containsExactly(1001);
    }

    @Test
    void burstOfExactlyMaxMissingIsStillNacked() {
        var nack = new NackGenerator();
        feed(nack, T0, 0, 501); // 500 missing
        assertThat(nack.missing()).isEqualTo(500);
        assertThat(nack.pollKeyframeNeeded()).isFalse();
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).hasSize(256);
    }

    @Test
    void atMostOneNackListPerMinInterval() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(2);
        feed(nack, T0 + 6 * MS, 5);
        assertThat(nack.pollNacks(T0 + 15 * MS, RTT)).isEmpty(); // 4 is due but a list went out 10 ms ago
        assertThat(nack.pollNacks(T0 + 25 * MS, RTT)).containsExactly(2, 4);
        assertThat(nack.nackListsSent()).isEqualTo(2);
    }

    @Test
    void listSizeIsBoundedAndFirstNacksGoBeforeRetries() {
        var nack = new NackGenerator();
        feed(nack, T0, 0, 301); // 300 missing
        List<Integer> first = nack.pollNacks(T0 + 5 * MS, RTT);
        assertThat(first).containsExactlyElementsOf(IntStream.rangeClosed(1, 256).boxed().toList());
        // 20 ms later: 257..300 are asked for the first time, then retries of the oldest fill the list
        List<Integer> second = nack.pollNacks(T0 + 25 * MS, RTT);
        assertThat(second).hasSize(256);
        assertThat(second).containsSequence(IntStream.rangeClosed(1, 212).boxed().toList());
        assertThat(second.subList(212, 256)).containsExactlyElementsOf(IntStream.rangeClosed(257, 300).boxed().toList());
        // next: all are retries; the oldest 256 go, including 213..256 that missed the last list
        List<Integer> third = nack.pollNacks(T0 + 45 * MS, RTT);
        assertThat(third).hasSize(256).contains(213, 256);
    }

    @Test
    void recoveredPacketIsCountedAndGivesAnRttSample() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(2);
        feed(nack, T0 + 85 * MS, 2); // the RTX copy, unwrapped
        assertThat(nack.recovered()).isEqualTo(1);
        assertThat(nack.missing()).isZero();
        assertThat(rtt.samples()).isEqualTo(1);
        assertThat(rtt.rttNanos()).isEqualTo(80 * MS);
        assertThat(nack.pollNacks(T0 + 200 * MS, RTT)).isEmpty();
    }

    @Test
    void packetNackedTwiceGivesNoRttSample() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt);
        feed(nack, T0, 1, 3);
        nack.pollNacks(T0 + 5 * MS, RTT);
        nack.pollNacks(T0 + 25 * MS, RTT);
        feed(nack, T0 + 30 * MS, 2); // answer to the first or the second NACK? ambiguous
        assertThat(nack.recovered()).isEqualTo(1);
        assertThat(rtt.samples()).isZero();
    }

    @Test
    void duplicatesAndOldPacketsChangeNothing() {
        var nack = new NackGenerator();
        feed(nack, T0, 10, 11, 11, 13, 11, 5);
        assertThat(nack.missing()).isEqualTo(1);
        assertThat(nack.pollNacks(T0 + 5 * MS, RTT)).containsExactly(12);
        assertThat(nack.recovered()).isZero();
    }

    @Test
    void senderRestartWithLowerNumbersStartsAfresh() {
        var nack = new NackGenerator();
        feed(nack, T0, 30000, 30002);
        feed(nack, T0 + MS, 5000); // far behind: maybe garbage
        feed(nack, T0 + MS, 5001); // sequential: a new numbering
        assertThat(nack.missing()).isZero();
        assertThat(nack.pollKeyframeNeeded()).isFalse();
        feed(nack, T0 + 2 * MS, 5003);
        assertThat(nack.pollNacks(T0 + 10 * MS, RTT)).containsExactly(5002);
    }

    @Test
    void loneFarBehindPacketIsIgnored() {
        var nack = new NackGenerator();
        feed(nack, T0, 30000, 30002);
        feed(nack, T0 + MS, 5000);
        feed(nack, T0 + MS, 30003);
        assertThat(nack.pollNacks(T0 + 10 * MS, RTT)).containsExactly(30001);
    }

    @Test
    void longRunWithPeriodicLossAcrossWrapNacksEachLossOnce() {
        var nack = new NackGenerator();
        long t = T0;
        int lost = 0;
        int nacked = 0;
        for (int i = 0; i < 200_000; i++) {
            int seq = (60_000 + i) & 0xFFFF;
            if (i % 97 == 50) { // (a loss before the first packet would be invisible)
                lost++;
            } else {
                nack.onPacket(seq, t);
            }
            t += MS;
            if (i % 10 == 0) {
                for (int s : nack.pollNacks(t, RTT)) {
                    nacked++;
                    nack.onPacket(s, t + 30 * MS); // the retransmission comes back
                }
            }
        }
        for (int s : nack.pollNacks(t + 100 * MS, RTT)) {
            nacked++;
            nack.onPacket(s, t + 100 * MS);
        }
        assertThat(nacked).isEqualTo(lost);
        assertThat(nack.recovered()).isEqualTo(lost);
        assertThat(nack.givenUp()).isZero();
        assertThat(nack.missing()).isZero();
    }
}
