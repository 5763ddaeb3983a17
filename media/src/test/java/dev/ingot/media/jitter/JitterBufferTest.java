package dev.ingot.media.jitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.jitter.JitterBuffer.Config;
import dev.ingot.media.jitter.JitterBuffer.PushResult;
import dev.ingot.media.payload.RtpMedia;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JitterBufferTest {
    private static final long MS = 1_000_000L;
    private static final int VIDEO_RATE = 90_000;
    /** 20 ms of a 90 kHz clock. */
    private static final int TICKS_20MS = 1800;

    private static Config config(double floorMs, double capMs, int maxPackets) {
        return new Config(Math.round(floorMs * MS), Math.round(capMs * MS), 5 * MS, 10 * MS, maxPackets);
    }

    private static RtpMedia packet(int seq, long ts, long arrivalNanos) {
        return RtpMedia.of(seq & 0xFFFF, ts & 0xFFFF_FFFFL, false, 96, 1234, new byte[] {(byte) seq}, arrivalNanos);
    }

    /** Packet i of a 50 packets/s stream sent at i*20 ms; arrives with the given extra delay. */
    private static RtpMedia nth(int i, long extraDelayNanos) {
        return packet(1000 + i, 5000L + (long) i * TICKS_20MS, i * 20 * MS + extraDelayNanos);
    }

    private static List<Integer> drain(JitterBuffer jb, long now) {
        List<Integer> seqs = new ArrayList<>();
        for (RtpMedia p; (p = jb.pop(now)) != null; ) {
            seqs.add(p.sequenceNumber());
        }
        return seqs;
    }

    @Test
    void releasesInOrderOnceTheTargetDelayHasPassed() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        for (int i = 0; i < 3; i++) {
            assertThat(jb.push(nth(i, 0))).isEqualTo(PushResult.ACCEPTED);
        }
        assertThat(jb.targetDelayNanos(40 * MS)).isEqualTo(100 * MS);
        assertThat(jb.nextDeadline(40 * MS)).isEqualTo(100 * MS);
        assertThat(drain(jb, 100 * MS - 1)).isEmpty();
        assertThat(drain(jb, 100 * MS)).containsExactly(1000);
        assertThat(drain(jb, 139 * MS)).containsExactly(1001);
        assertThat(drain(jb, 140 * MS)).containsExactly(1002);
        assertThat(jb.size()).isZero();
        assertThat(jb.nextDeadline(140 * MS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void reorderedPacketsComeOutInSequenceOrder() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(nth(0, 0));
        jb.push(nth(2, 0));
        jb.push(nth(1, 25 * MS)); // arrives after packet 2
        jb.push(nth(4, 0));
        jb.push(nth(3, 30 * MS));
        assertThat(drain(jb, 1_000 * MS)).containsExactly(1000, 1001, 1002, 1003, 1004);
        JitterBufferStats s = jb.stats(1_000 * MS);
        assertThat(s.reordered()).isEqualTo(2);
        assertThat(s.maxReorderDepth()).isEqualTo(1);
        assertThat(s.lost()).isZero();
    }

    @Test
    void packetReorderedBeforeTheFirstReleaseIsStillWaitedFor() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(nth(1, 0));
        assertThat(jb.push(nth(0, 15 * MS))).isEqualTo(PushResult.ACCEPTED);
        assertThat(drain(jb, 1_000 * MS)).containsExactly(1000, 1001);
    }

    @Test
    void missingPacketIsReportedThenSkippedAtItsDeadlineAndCountedAsLost() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(nth(0, 0));
        jb.push(nth(2, 0)); // 1001 lost
        jb.push(nth(3, 0));
        assertThat(jb.missingSequenceNumbers(45 * MS)).containsExactly(1001);
        assertThat(drain(jb, 100 * MS)).containsExactly(1000);
        // 1001 is waited for until 1002's deadline (40 ms + 100 ms)
        assertThat(drain(jb, 140 * MS - 1)).isEmpty();
        assertThat(jb.nextDeadline(139 * MS)).isEqualTo(140 * MS);
        assertThat(drain(jb, 140 * MS)).containsExactly(1002);
        assertThat(jb.stats(140 * MS).lost()).isEqualTo(1);
        assertThat(jb.missingSequenceNumbers(140 * MS)).isEmpty();
        // the packet turning up now (150 ms after it was due) is too late, and the target grows so that a
        // packet as late as that would be in time next time
        assertThat(jb.push(nth(1, 150 * MS))).isEqualTo(PushResult.LATE);
        assertThat(jb.stats(170 * MS).late()).isEqualTo(1);
        assertThat(jb.targetDelayNanos(170 * MS)).isEqualTo(160 * MS);
        assertThat(drain(jb, 60 * MS + 160 * MS)).containsExactly(1003);
    }

    @Test
    void missingSequenceNumbersLeaveOutThoseWhoseWaitIsOver() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(nth(0, 0));
        jb.push(nth(2, 0)); // 1001 waits until 140 ms
        jb.push(nth(5, 0)); // 1003, 1004 wait until 200 ms
        assertThat(jb.missingSequenceNumbers(101 * MS)).containsExactly(1001, 1003, 1004);
        assertThat(jb.missingSequenceNumbers(140 * MS)).containsExactly(1003, 1004);
        assertThat(jb.missingSequenceNumbers(200 * MS)).isEmpty();
    }

    @Test
    void retransmissionArrivingBeforeTheDeadlineFillsTheGap() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(nth(0, 0));
        jb.push(nth(2, 0));
        jb.push(nth(3, 0));
        assertThat(drain(jb, 100 * MS)).containsExactly(1000);
        // retransmission of 1001 arrives at 110 ms, before 1002's deadline (140 ms)
        assertThat(jb.push(packet(1001, 5000 + TICKS_20MS, 110 * MS))).isEqualTo(PushResult.ACCEPTED);
        // its own deadline is 20 ms + target; the target grew with its delay (90 ms late + 10 ms margin)
        assertThat(drain(jb, 139 * MS)).containsExactly(1001);
        assertThat(drain(jb, 200 * MS)).containsExactly(1002, 1003);
        assertThat(jb.stats(200 * MS).lost()).isZero();
    }

    @Test
    void targetGrowsUnderJitterThenShrinksSlowlyButNeverBelowTheFloor() {
        JitterBuffer jb = new JitterBuffer(config(20, 100, 256), VIDEO_RATE);
        Random random = new Random(42);
        int i = 0;
        long now = 0;
        // 10 s with up to 40 ms of random extra delay per packet
        for (; i < 500; i++) {
            RtpMedia p = nth(i, (long) (random.nextDouble() * 40 * MS));
            jb.push(p);
            now = p.arrivalNanos();
            drain(jb, now);
        }
        long grown = jb.targetDelayNanos(now);
        assertThat(grown).isBetween(45 * MS, 50 * MS); // ~40 ms of variation + 10 ms margin
        assertThat(jb.stats(now).jitterNanos()).isGreaterThan(5 * MS);
        // then a clean network: one second later the target has come down by only ~5 ms
        for (; i < 550; i++) {
            RtpMedia p = nth(i, 0);
            jb.push(p);
            now = p.arrivalNanos();
            drain(jb, now);
        }
        long afterOneSecond = jb.targetDelayNanos(now);
        assertThat(afterOneSecond).isLessThan(grown).isGreaterThan(grown - 8 * MS);
        // and after a long clean stretch it is back at the floor, not below
        for (; i < 3000; i++) {
            RtpMedia p = nth(i, 0);
            jb.push(p);
            now = p.arrivalNanos();
            drain(jb, now);
        }
        assertThat(jb.targetDelayNanos(now)).isEqualTo(20 * MS);
        assertThat(jb.stats(now).lost()).isZero();
    }

    @Test
    void targetNeverExceedsTheCap() {
        JitterBuffer jb = new JitterBuffer(config(20, 100, 256), VIDEO_RATE);
        jb.push(nth(0, 0));
        jb.push(nth(1, 400 * MS));
        assertThat(jb.targetDelayNanos(420 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void reportedRetransmissionDelayGrowsTheTarget() {
        JitterBuffer jb = new JitterBuffer(config(20, 100, 256), VIDEO_RATE);
        jb.push(nth(0, 0));
        assertThat(jb.targetDelayNanos(0)).isEqualTo(20 * MS);
        jb.onRetransmissionDelay(60 * MS, 0);
        assertThat(jb.targetDelayNanos(0)).isEqualTo(70 * MS);
        assertThat(jb.targetDelayNanos(2_000 * MS)).isEqualTo(60 * MS);
    }

    @Test
    void sequenceNumbersWrapFrom65535To0() {
        JitterBuffer jb = new JitterBuffer(config(50, 130, 64), VIDEO_RATE);
        long t = 0;
        for (int s = 65532; s < 65532 + 8; s++) {
            jb.push(packet(s, 1000 + (s - 65532) * 3000L, t));
            t += 33 * MS;
        }
        assertThat(drain(jb, 10_000 * MS)).containsExactly(65532, 65533, 65534, 65535, 0, 1, 2, 3);
        assertThat(jb.stats(10_000 * MS).lost()).isZero();
    }

    @Test
    void reorderingAcrossTheSequenceWrapIsFixed() {
        JitterBuffer jb = new JitterBuffer(config(50, 130, 64), VIDEO_RATE);
        jb.push(packet(65534, 0, 0));
        jb.push(packet(0, 6000, 40 * MS));
        jb.push(packet(65535, 3000, 45 * MS));
        jb.push(packet(1, 9000, 60 * MS));
        assertThat(drain(jb, 10_000 * MS)).containsExactly(65534, 65535, 0, 1);
    }

    @Test
    void timestampsWrapAt32Bits() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        long ts = 0xFFFF_FFFFL - TICKS_20MS + 1; // the third packet's timestamp wraps to 1799
        for (int i = 0; i < 4; i++) {
            jb.push(packet(10 + i, ts + (long) i * TICKS_20MS, i * 20 * MS));
        }
        // deadlines keep their 20 ms spacing across the wrap
        assertThat(drain(jb, 100 * MS)).containsExactly(10);
        assertThat(drain(jb, 120 * MS)).containsExactly(11);
        assertThat(drain(jb, 140 * MS - 1)).isEmpty();
        assertThat(drain(jb, 140 * MS)).containsExactly(12);
        assertThat(drain(jb, 160 * MS)).containsExactly(13);
        assertThat(jb.stats(160 * MS).timestampJumps()).isZero();
    }

    @Test
    void duplicatesAreDroppedWhetherHeldOrAlreadyReleased() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(nth(0, 0));
        jb.push(nth(1, 0));
        assertThat(jb.push(nth(1, 5 * MS))).isEqualTo(PushResult.DUPLICATE);
        assertThat(drain(jb, 200 * MS)).containsExactly(1000, 1001);
        assertThat(jb.push(nth(0, 210 * MS))).isEqualTo(PushResult.DUPLICATE);
        JitterBufferStats s = jb.stats(300 * MS);
        assertThat(s.duplicates()).isEqualTo(2);
        assertThat(s.released()).isEqualTo(2);
        assertThat(s.late()).isZero();
    }

    @Test
    void overflowDropsTheOldestPackets() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 8), VIDEO_RATE);
        for (int i = 0; i < 10; i++) {
            assertThat(jb.push(packet(100 + i, 0, 0))).isEqualTo(PushResult.ACCEPTED);
        }
        assertThat(jb.size()).isEqualTo(8);
        assertThat(jb.stats(0).overflowDropped()).isEqualTo(2);
        assertThat(drain(jb, 1_000 * MS)).containsExactly(102, 103, 104, 105, 106, 107, 108, 109);
    }

    @Test
    void aJumpFarAheadFlushesTheBufferWithoutWaitingForTheWholeGap() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 8), VIDEO_RATE);
        jb.push(packet(100, 0, 0));
        jb.push(packet(5000, 3000, 10 * MS));
        assertThat(jb.size()).isEqualTo(1);
        assertThat(jb.missingSequenceNumbers(10 * MS)).isEmpty();
        assertThat(drain(jb, 1_000 * MS)).containsExactly(5000);
    }

    @Test
    void aTimestampJumpResynchronisesInsteadOfHoldingPacketsBack() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(packet(1, 900_000_000L, 0));
        assertThat(drain(jb, 100 * MS)).containsExactly(1);
        // the sender's timestamps jump back by an hour
        jb.push(packet(2, 900_000_000L - 3600L * VIDEO_RATE, 20 * MS));
        assertThat(jb.nextDeadline(20 * MS)).isLessThanOrEqualTo(20 * MS + 180 * MS);
        assertThat(drain(jb, 120 * MS)).containsExactly(2);
        assertThat(jb.stats(120 * MS).timestampJumps()).isEqualTo(1);
    }

    @Test
    void configDefaultsFollowBufferSizeMs() {
        Config absent = Config.video(OptionalDouble.empty());
        assertThat(absent.floorNanos()).isEqualTo(240 * MS);
        assertThat(absent.capNanos()).isEqualTo(320 * MS);
        Config set = Config.video(OptionalDouble.of(80.5));
        assertThat(set.floorNanos()).isEqualTo(80_500_000L);
        assertThat(set.capNanos()).isEqualTo(160_500_000L);
        assertThat(Config.audio(OptionalDouble.empty()).floorNanos()).isEqualTo(60 * MS);
        assertThat(Config.audio(OptionalDouble.of(20)).floorNanos()).isEqualTo(20 * MS);
        assertThat(Config.audio(OptionalDouble.of(20)).capNanos()).isEqualTo(100 * MS);
    }

    @Test
    void audioBufferUsesItsClockRate() {
        JitterBuffer jb = new JitterBuffer(Config.audio(OptionalDouble.empty()), 48_000);
        jb.push(packet(7, 0, 0));
        jb.push(packet(8, 960, 20 * MS));
        assertThat(drain(jb, 60 * MS)).containsExactly(7);
        assertThat(drain(jb, 80 * MS - 1)).isEmpty();
        assertThat(drain(jb, 80 * MS)).containsExactly(8);
        assertThat(jb.bufferedNanos()).isZero();
    }

    @Test
    void bufferedDurationSpansHeldTimestamps() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        for (int i = 0; i < 4; i++) {
            jb.push(nth(i, 0));
        }
        assertThat(jb.size()).isEqualTo(4);
        assertThat(jb.bufferedNanos()).isEqualTo(60 * MS);
    }

    @Test
    void randomArrivalsKeepSequenceOrderAndAccountForEveryPacket() {
        Random random = new Random(3);
        JitterBuffer jb = new JitterBuffer(config(30, 110, 64), VIDEO_RATE);
        List<RtpMedia> sent = new ArrayList<>();
        int packets = 20_000;
        for (int i = 0; i < packets; i++) {
            if (random.nextInt(30) == 0) {
                continue; // lost
            }
            long delay = (long) (random.nextDouble() * (random.nextInt(50) == 0 ? 300 : 30) * MS);
            RtpMedia p = packet(60_000 + i, 4_294_000_000L + (long) i * 900, i * 10 * MS + delay);
            sent.add(p);
            if (random.nextInt(40) == 0) {
                sent.add(packet(p.sequenceNumber(), p.timestamp(), p.arrivalNanos() + 7 * MS)); // duplicate
            }
        }
        sent.sort(java.util.Comparator.comparingLong(RtpMedia::arrivalNanos));
        long lastExtended = -1;
        int releasedCount = 0;
        long now = 0;
        for (RtpMedia p : sent) {
            now = p.arrivalNanos();
            jb.push(p);
            assertThat(jb.size()).isLessThanOrEqualTo(64);
            assertThat(jb.targetDelayNanos(now)).isBetween(30 * MS, 110 * MS);
            for (RtpMedia out; (out = jb.pop(now)) != null; ) {
                long extended = lastExtended < 0 ? out.sequenceNumber()
                        : lastExtended + (short) (out.sequenceNumber() - (int) (lastExtended & 0xFFFF));
                assertThat(extended).isGreaterThan(lastExtended);
                lastExtended = extended;
                releasedCount++;
            }
        }
        releasedCount += drain(jb, now + 10_000 * MS).size();
        JitterBufferStats s = jb.stats(now);
        assertThat(s.received()).isEqualTo(sent.size());
        assertThat(s.released()).isEqualTo(releasedCount);
        assertThat(s.released() + s.duplicates() + s.late() + s.overflowDropped()).isEqualTo(sent.size());
        assertThat(s.released() + s.lost() + s.overflowDropped()).isEqualTo(packets);
    }

    @Test
    void aJumpOfUpToHalfTheSequenceSpaceAheadFlushesAndGoesOn() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(packet(40_000, 0, 0));
        assertThat(jb.push(packet(1000, 3000, 33 * MS))).isEqualTo(PushResult.ACCEPTED); // 26 536 ahead
        assertThat(drain(jb, 1_000 * MS)).containsExactly(1000);
    }

    @Test
    void twoConsecutivePacketsFarBehindRestartTheSequence() {
        JitterBuffer jb = new JitterBuffer(config(100, 180, 64), VIDEO_RATE);
        jb.push(packet(40_000, 0, 0));
        jb.push(packet(40_001, 3000, 33 * MS));
        assertThat(drain(jb, 200 * MS)).containsExactly(40_000, 40_001);
        // the sender's sequence numbers jump back by 10 000
        assertThat(jb.push(packet(30_000, 6000, 66 * MS))).isEqualTo(PushResult.LATE);
        assertThat(jb.push(packet(30_001, 9000, 100 * MS))).isEqualTo(PushResult.ACCEPTED);
        jb.push(packet(30_002, 12000, 133 * MS));
        assertThat(drain(jb, 1_000 * MS)).containsExactly(30_001, 30_002);
        JitterBufferStats s = jb.stats(1_000 * MS);
        assertThat(s.sequenceRestarts()).isEqualTo(1);
        assertThat(s.received()).isEqualTo(5);
        // one stray old packet does not restart anything
        assertThat(jb.push(packet(20_000, 0, 1_100 * MS))).isEqualTo(PushResult.LATE);
        assertThat(jb.push(packet(30_003, 15000, 1_110 * MS))).isEqualTo(PushResult.ACCEPTED);
        assertThat(jb.stats(1_110 * MS).sequenceRestarts()).isEqualTo(1);
    }
}
