package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    static final long MS = 1_000_000L;
    static final long T0 = 5_000 * MS;
    static final NackGenerator.Config DEFAULTS = NackGenerator.Config.defaults();

    static NackGenerator.Config withMaxAge(long maxAgeNanos) {
        var d = DEFAULTS;
        return new NackGenerator.Config(d.maxRetries(), d.minRetryIntervalNanos(), maxAgeNanos, d.maxMissing(),
                d.minNackIntervalNanos(), d.maxNacksPerPoll());
    }

    /** An RTT estimate with one measurement. */
    static RttEstimator measured(long rttNanos) {
        RttEstimator r = new RttEstimator();
        r.onSample(rttNanos);
        return r;
    }

    static void feed(NackGenerator nack, long now, int... seqs) {
        for (int seq : seqs) {
            nack.onPacket(seq, now);
        }
    }

    @Test
    void lossIsNackedOnceTheInitialReorderWindowHasPassed() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4);
        assertThat(nack.missing()).isEqualTo(1);
        assertThat(nack.nextPollNanos(T0)).isEqualTo(T0 + ReorderWindow.INITIAL_NANOS);
        assertThat(nack.pollNacks(T0 + ReorderWindow.INITIAL_NANOS - 1)).isEmpty();
        assertThat(nack.pollNacks(T0 + ReorderWindow.INITIAL_NANOS)).containsExactly(3);
        assertThat(nack.nacksSent()).isEqualTo(1);
        assertThat(nack.nackListsSent()).isEqualTo(1);
    }

    @Test
    void aLatePacketIsReorderingNotLossAndWidensTheWindowToWhatThePathShows() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4);
        feed(nack, T0 + 2 * MS, 3);
        assertThat(nack.reordered()).isEqualTo(1);
        assertThat(nack.missing()).isZero();
        assertThat(nack.pollNacks(T0 + 50 * MS)).isEmpty();

        long t1 = T0 + 100 * MS;
        feed(nack, t1, 5, 7);
        feed(nack, t1 + 20 * MS, 6); // 20 ms late: the window grows to 25 ms
        assertThat(nack.reorderWindowNanos(t1 + 20 * MS)).isEqualTo(25 * MS);
        long t2 = t1 + 40 * MS;
        feed(nack, t2, 9);
        assertThat(nack.pollNacks(t2 + 24 * MS)).isEmpty();
        assertThat(nack.pollNacks(t2 + 25 * MS)).containsExactly(8);
        assertThat(nack.nacksSent()).isEqualTo(1);
    }

    @Test
    void theWindowShrinksAgainWhenReorderingStops() {
        var window = new ReorderWindow();
        window.onSample(40 * MS, T0);
        assertThat(window.windowNanos(T0)).isEqualTo(50 * MS);
        assertThat(window.windowNanos(T0 + ReorderWindow.HALF_LIFE_NANOS)).isEqualTo(25 * MS);
        assertThat(window.windowNanos(T0 + 60_000 * MS)).isEqualTo(ReorderWindow.FLOOR_NANOS);
    }

    /**
     * 10 s of 300 packets a second, none lost, each delayed by 30 ± 10 ms (uniform), so packets overtake each
     * other by up to 20 ms. The generator is polled when it asks to be.
     */
    @Test
    void reorderingWithoutLossCausesAlmostNoNacks() {
        var nack = new NackGenerator(DEFAULTS, new RttEstimator(), true);
        SplittableRandom random = new SplittableRandom(7);
        PriorityQueue<long[]> arrivals = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        int packets = 3000;
        for (int i = 0; i < packets; i++) {
            long sent = T0 + i * 3_333_333L;
            arrivals.add(new long[] {sent + 20 * MS + random.nextLong(20 * MS + 1), i});
        }
        long now = T0;
        while (!arrivals.isEmpty()) {
            long next = Math.min(arrivals.peek()[0], nack.nextPollNanos(now));
            now = Math.max(now, next);
            if (arrivals.peek()[0] <= now) {
                nack.onPacket((int) arrivals.poll()[1] & 0xFFFF, now);
            } else {
                nack.pollNacks(now);
            }
        }
        System.out.printf("[nack] 3000 packets, 30±10 ms delay, no loss: %d reordered, %d NACKed, window %d ms%n",
                nack.reordered(), nack.nacksSent(), nack.reorderWindowNanos(now) / MS);
        assertThat(nack.reordered()).as("the path does reorder").isGreaterThan(300);
        assertThat(nack.nacksSent()).as("NACKs for packets that were only late").isLessThanOrEqualTo(packets / 100);
        assertThat(nack.givenUp()).isZero();
    }

    @Test
    void withRtxAnUnflaggedPacketAfterItsNackIsTheLateOriginal() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt, true);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        nack.onPacket(2, T0 + 12 * MS, false);
        assertThat(nack.recovered()).isZero();
        assertThat(nack.reorderedAfterNack()).isEqualTo(1);
        assertThat(nack.reorderWindowNanos(T0 + 12 * MS)).isEqualTo(15 * MS);
        nack.onPacket(2, T0 + 40 * MS, true); // its RTX copy: a duplicate now
        assertThat(nack.recovered()).isZero();
        assertThat(rtt.samples()).isZero();
    }

    @Test
    void aRetransmissionIsRecoveredAndGivesAnRttSampleWhenNackedOnce() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt, true);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        nack.onPacket(2, T0 + 85 * MS, true);
        assertThat(nack.recovered()).isEqualTo(1);
        assertThat(nack.missing()).isZero();
        assertThat(rtt.samples()).isEqualTo(1);
        assertThat(rtt.rttNanos()).isEqualTo(80 * MS);
    }

    @Test
    void packetNackedTwiceGivesNoRttSample() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt, true);
        feed(nack, T0, 1, 3);
        nack.pollNacks(T0 + 5 * MS);
        nack.pollNacks(T0 + 200 * MS);
        nack.onPacket(2, T0 + 210 * MS, true); // answer to the first or the second NACK? ambiguous
        assertThat(nack.recovered()).isEqualTo(1);
        assertThat(rtt.samples()).isZero();
    }

    @Test
    void withoutRtxAResendOnTheMediaSsrcCountsAsRecovered() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt, false);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        feed(nack, T0 + 45 * MS, 2);
        assertThat(nack.recovered()).isEqualTo(1);
        // no second copy within a few round trips: it was the resend, and its delay an RTT
        nack.pollNacks(T0 + 1_000 * MS);
        assertThat(nack.recovered()).isEqualTo(1);
        assertThat(rtt.samples()).isEqualTo(1);
        assertThat(rtt.rttNanos()).isEqualTo(40 * MS);
    }

    @Test
    void withoutRtxASecondCopyShowsTheFirstWasTheLateOriginal() {
        var rtt = new RttEstimator();
        var nack = new NackGenerator(DEFAULTS, rtt, false);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        feed(nack, T0 + 8 * MS, 2); // the original, 8 ms late
        feed(nack, T0 + 35 * MS, 2); // the resend we asked for
        assertThat(nack.recovered()).isZero();
        assertThat(nack.reordered()).isEqualTo(1);
        assertThat(nack.reorderedAfterNack()).isEqualTo(1);
        assertThat(nack.reorderWindowNanos(T0 + 35 * MS)).isEqualTo(10 * MS);
        assertThat(rtt.rttNanos()).isEqualTo(30 * MS);
    }

    @Test
    void retriesAreSpacedByOneAndAHalfMeasuredRtts() {
        var nack = new NackGenerator(DEFAULTS, measured(100 * MS), true);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        assertThat(nack.nextPollNanos(T0 + 5 * MS)).isEqualTo(T0 + 155 * MS);
        assertThat(nack.pollNacks(T0 + 154 * MS)).isEmpty();
        assertThat(nack.pollNacks(T0 + 155 * MS)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 305 * MS)).containsExactly(2);
        assertThat(nack.nacksSent()).isEqualTo(3);
    }

    @Test
    void retriesAreAtLeastTwentyMillisecondsApart() {
        var nack = new NackGenerator(DEFAULTS, measured(MS), true);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 24 * MS)).isEmpty();
        assertThat(nack.pollNacks(T0 + 25 * MS)).containsExactly(2);
    }

    @Test
    void packetIsNackedAtMostMaxRetriesTimesThenGivenUpWithKeyframeSignal() {
        var nack = new NackGenerator(withMaxAge(60_000 * MS), measured(10 * MS), true);
        feed(nack, T0, 1, 3);
        int nacked = 0;
        for (long t = T0; t < T0 + 2_000 * MS; t += 5 * MS) {
            nacked += nack.pollNacks(t).size();
        }
        assertThat(nacked).isEqualTo(10);
        assertThat(nack.givenUp()).isEqualTo(1);
        assertThat(nack.missing()).isZero();
        assertThat(nack.pollKeyframeNeeded()).isTrue();
        assertThat(nack.pollKeyframeNeeded()).isFalse(); // signalled once
    }

    @Test
    void givesUpAtThePlayoutDeadline() {
        var nack = new NackGenerator(DEFAULTS, new RttEstimator(), true);
        nack.setMaxAgeNanos(200 * MS);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        assertThat(nack.pollNacks(T0 + 200 * MS)).as("a retry, 1.5 x the guessed 100 ms later").containsExactly(2);
        assertThat(nack.givenUp()).isZero();
        assertThat(nack.pollNacks(T0 + 201 * MS)).isEmpty();
        assertThat(nack.givenUp()).isEqualTo(1);
        assertThat(nack.pollKeyframeNeeded()).isTrue();
    }

    @Test
    void aResendThatCouldNotArriveBeforeTheDeadlineIsNotAskedFor() {
        var nack = new NackGenerator(DEFAULTS, measured(60 * MS), true);
        nack.setMaxAgeNanos(80 * MS);
        feed(nack, T0, 1, 3);
        // the first NACK leaves a round trip before the deadline: 80 - 1.25 * 60 = 5 ms
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        // a retry at 5 + 90 ms could never make it: given up when it would be due, keyframe asked for
        assertThat(nack.pollNacks(T0 + 81 * MS)).isEmpty();
        assertThat(nack.givenUp()).isEqualTo(1);
        assertThat(nack.pollKeyframeNeeded()).isTrue();

        var tight = new NackGenerator(DEFAULTS, measured(100 * MS), true);
        tight.setMaxAgeNanos(80 * MS);
        feed(tight, T0, 1, 3);
        assertThat(tight.pollNacks(T0)).as("deadline shorter than the round trip: keyframe at once").isEmpty();
        assertThat(tight.givenUp()).isEqualTo(1);
    }

    @Test
    void anUnmeasuredRttNeverStopsTheFirstNack() {
        var nack = new NackGenerator(DEFAULTS, new RttEstimator(), true);
        nack.setMaxAgeNanos(80 * MS); // below the 100 ms RTT guessed before any measurement
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
    }

    @Test
    void theDeadlineBringsTheFirstNackForwardInsideAWideReorderWindow() {
        var nack = new NackGenerator(DEFAULTS, measured(40 * MS), true);
        feed(nack, T0, 1, 3);
        feed(nack, T0 + 40 * MS, 2); // window 50 ms
        nack.setMaxAgeNanos(60 * MS);
        long t = T0 + 100 * MS;
        feed(nack, t, 4, 6);
        assertThat(nack.nextPollNanos(t)).isEqualTo(t + 10 * MS); // 60 - 1.25 * 40
        assertThat(nack.pollNacks(t + 10 * MS)).containsExactly(5);
    }

    @Test
    void trackingOnlyNeverNacksAndCountsWhatNeverCame() {
        var track = new NackGenerator(NackGenerator.Config.trackOnly(), new RttEstimator(), false);
        feed(track, T0, 1, 3, 4, 6);
        feed(track, T0 + 2 * MS, 5);
        assertThat(track.pollNacks(T0 + 100 * MS)).isEmpty();
        assertThat(track.givenUp()).isEqualTo(1);
        assertThat(track.reordered()).isEqualTo(1);
        assertThat(track.nacksSent()).isZero();
        assertThat(track.pollKeyframeNeeded()).isTrue();
    }

    @Test
    void burstLargerThanMaxMissingIsGivenUpForAKeyframe() {
        var nack = new NackGenerator();
        feed(nack, T0, 1, 2, 4); // one missing already
        feed(nack, T0, 1000); // 995 more
        assertThat(nack.missing()).isZero();
        assertThat(nack.givenUp()).isEqualTo(996);
        assertThat(nack.pollKeyframeNeeded()).isTrue();
        assertThat(nack.pollNacks(T0 + 100 * MS)).isEmpty();
        feed(nack, T0 + 100 * MS, 1002); // tracking goes on from there
        assertThat(nack.pollNacks(T0 + 105 * MS)).containsExactly(1001);
    }

    @Test
    void burstOfExactlyMaxMissingIsStillNacked() {
        var nack = new NackGenerator();
        feed(nack, T0, 0, 501); // 500 missing
        assertThat(nack.missing()).isEqualTo(500);
        assertThat(nack.pollKeyframeNeeded()).isFalse();
        assertThat(nack.pollNacks(T0 + 5 * MS)).hasSize(256);
    }

    @Test
    void atMostOneNackListPerMinInterval() {
        var nack = new NackGenerator(DEFAULTS, measured(10 * MS), true);
        feed(nack, T0, 1, 3);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(2);
        feed(nack, T0 + 4 * MS, 5);
        assertThat(nack.pollNacks(T0 + 9 * MS)).isEmpty(); // 4 is due but a list went out 4 ms ago
        assertThat(nack.nextPollNanos(T0 + 9 * MS)).isEqualTo(T0 + 10 * MS);
        assertThat(nack.pollNacks(T0 + 10 * MS)).containsExactly(4);
        assertThat(nack.nackListsSent()).isEqualTo(2);
    }

    @Test
    void listSizeIsBoundedAndFirstNacksGoBeforeRetries() {
        var nack = new NackGenerator(DEFAULTS, measured(10 * MS), true);
        feed(nack, T0, 0, 301); // 300 missing
        List<Integer> first = nack.pollNacks(T0 + 5 * MS);
        assertThat(first).containsExactlyElementsOf(IntStream.rangeClosed(1, 256).boxed().toList());
        // 20 ms later: 257..300 are asked for the first time, then retries of the oldest fill the list
        List<Integer> second = nack.pollNacks(T0 + 25 * MS);
        assertThat(second).hasSize(256);
        assertThat(second).containsSequence(IntStream.rangeClosed(1, 212).boxed().toList());
        assertThat(second.subList(212, 256)).containsExactlyElementsOf(IntStream.rangeClosed(257, 300).boxed().toList());
        // next: all are retries; the oldest 256 go, including 213..256 that missed the last list
        List<Integer> third = nack.pollNacks(T0 + 45 * MS);
        assertThat(third).hasSize(256).contains(213, 256);
    }

    @Test
    void duplicatesAndOldPacketsChangeNothing() {
        var nack = new NackGenerator();
        feed(nack, T0, 10, 11, 11, 13, 11, 5);
        assertThat(nack.missing()).isEqualTo(1);
        assertThat(nack.pollNacks(T0 + 5 * MS)).containsExactly(12);
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
        assertThat(nack.pollNacks(T0 + 10 * MS)).containsExactly(5002);
    }

    @Test
    void loneFarBehindPacketIsIgnored() {
        var nack = new NackGenerator();
        feed(nack, T0, 30000, 30002);
        feed(nack, T0 + MS, 5000);
        feed(nack, T0 + MS, 30003);
        assertThat(nack.pollNacks(T0 + 10 * MS)).containsExactly(30001);
    }

    @Test
    void longRunWithPeriodicLossAcrossWrapNacksEachLossOnce() {
        var nack = new NackGenerator(DEFAULTS, new RttEstimator(), true);
        long t = T0;
        int lost = 0;
        int nacked = 0;
        List<Integer> resends = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            int seq = (60_000 + i) & 0xFFFF;
            if (i % 97 == 50) { // (a loss before the first packet would be invisible)
                lost++;
            } else {
                nack.onPacket(seq, t);
            }
            t += MS;
            if (i % 10 == 0) {
                for (int s : resends) {
                    nack.onPacket(s, t, true); // the retransmissions asked for 10 ms ago
                }
                resends.clear();
                for (int s : nack.pollNacks(t)) {
                    nacked++;
                    resends.add(s);
                }
            }
        }
        for (int s : resends) {
            nack.onPacket(s, t + 10 * MS, true);
        }
        for (int s : nack.pollNacks(t + 100 * MS)) {
            nacked++;
            nack.onPacket(s, t + 100 * MS, true);
        }
        assertThat(nacked).isEqualTo(lost);
        assertThat(nack.recovered()).isEqualTo(lost);
        assertThat(nack.givenUp()).isZero();
        assertThat(nack.missing()).isZero();
    }
}
