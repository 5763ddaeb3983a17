package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReceiveStatisticsTest {
    static final long MS = 1_000_000L;
    static final long T0 = 1_000_000 * MS; // 1000 s on the session clock
    static final long SSRC = 0xDEADBEEFL;
    static final ReceiveStatistics.Config ACCEPT_FIRST = new ReceiveStatistics.Config(1, 3000, 100);

    /** Feeds sequence numbers 20 ms apart with matching 90 kHz timestamps (no jitter). */
    static void feed(ReceiveStatistics stats, int... seqs) {
        for (int seq : seqs) {
            stats.onPacket(seq, 1800L * seq, T0 + 20 * MS * seq, 90_000);
        }
    }

    static ReportBlockValues block(ReceiveStatistics stats, long now) {
        return stats.reportBlock(now).orElseThrow();
    }

    @Test
    void probationSkipsFirstPacketAndStartsAtSecond() {
        var stats = new ReceiveStatistics(SSRC);
        assertThat(stats.onPacket(100, 0, T0, 90_000)).isFalse();
        assertThat(stats.isValid()).isFalse();
        assertThat(stats.reportBlock(T0)).isEmpty();
        assertThat(stats.onPacket(101, 0, T0, 90_000)).isTrue();
        assertThat(stats.isValid()).isTrue();
        assertThat(stats.expected()).isEqualTo(1);
        assertThat(stats.packetsReceived()).isEqualTo(1);
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(101);
    }

    @Test
    void probationRestartsWhenPacketsAreNotSequential() {
        var stats = new ReceiveStatistics(SSRC, new ReceiveStatistics.Config(3, 3000, 100));
        assertThat(stats.onPacket(10, 0, T0, 90_000)).isFalse();
        assertThat(stats.onPacket(12, 0, T0, 90_000)).isFalse(); // not 11: probation starts over
        assertThat(stats.onPacket(13, 0, T0, 90_000)).isFalse();
        assertThat(stats.isValid()).isFalse();
        assertThat(stats.onPacket(14, 0, T0, 90_000)).isTrue();
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(14);
        assertThat(stats.expected()).isEqualTo(1);
    }

    @Test
    void minSequentialOneAcceptsFirstPacket() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        assertThat(stats.onPacket(0, 0, T0, 90_000)).isTrue();
        assertThat(stats.expected()).isEqualTo(1);
        assertThat(stats.packetsReceived()).isEqualTo(1);
    }

    @Test
    void singleLossGivesFractionAndCumulativeLoss() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 100, 101, 102, 103, 104, 106, 107, 108, 109);
        ReportBlockValues rb = block(stats, T0 + 1000 * MS);
        assertThat(rb.ssrc()).isEqualTo(SSRC);
        assertThat(rb.extendedHighestSequenceNumber()).isEqualTo(109);
        assertThat(rb.cumulativeLost()).isEqualTo(1);
        assertThat(rb.fractionLost()).isEqualTo(256 / 10); // (1 << 8) / 10 = 25
    }

    @Test
    void fractionLostCoversOnlyTheIntervalSinceTheLastReport() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 0, 1, 3); // 1 of 4 lost
        assertThat(block(stats, T0).fractionLost()).isEqualTo(64);
        feed(stats, 4, 5, 6, 7);
        ReportBlockValues second = block(stats, T0);
        assertThat(second.fractionLost()).isZero();
        assertThat(second.cumulativeLost()).isEqualTo(1);
        feed(stats, 8, 12); // 9, 10, 11 lost: 3 of 5
        assertThat(block(stats, T0).fractionLost()).isEqualTo((3 << 8) / 5);
    }

    @Test
    void lateArrivalInLaterIntervalYieldsZeroFractionAndLowersCumulativeLoss() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 0, 1, 3);
        assertThat(block(stats, T0).cumulativeLost()).isEqualTo(1);
        feed(stats, 2); // late: received_interval 1 > expected_interval 0
        ReportBlockValues rb = block(stats, T0);
        assertThat(rb.fractionLost()).isZero();
        assertThat(rb.cumulativeLost()).isZero();
        assertThat(stats.packetsReceived()).isEqualTo(4);
    }

    @Test
    void burstLossIsCounted() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1000, 1001, 1050);
        ReportBlockValues rb = block(stats, T0);
        assertThat(rb.cumulativeLost()).isEqualTo(48);
        assertThat(rb.fractionLost()).isEqualTo((48 << 8) / 51);
    }

    @Test
    void sequenceWrapIncrementsCycles() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 65534, 65535, 0, 1);
        ReportBlockValues rb = block(stats, T0);
        assertThat(rb.extendedHighestSequenceNumber()).isEqualTo((1L << 16) + 1);
        assertThat(rb.cumulativeLost()).isZero();
        assertThat(stats.expected()).isEqualTo(4);
    }

    @Test
    void lossAcrossWrapIsCounted() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 65530, 3); // 65531..65535 and 0..2 missing
        assertThat(stats.cumulativeLost()).isEqualTo(8);
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(65536 + 3);
        feed(stats, 65533, 1); // late packets from either side of the wrap
        assertThat(stats.cumulativeLost()).isEqualTo(6);
    }

    @Test
    void duplicatesAreNotCounted() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 10, 11, 11, 13, 12, 12, 10);
        assertThat(stats.packetsReceived()).isEqualTo(4);
        assertThat(stats.packetsDuplicated()).isEqualTo(3);
        assertThat(stats.cumulativeLost()).isZero();
        assertThat(stats.onPacket(12, 0, T0, 90_000)).isFalse();
    }

    @Test
    void packetsBeforeTheBaseAreNotCounted() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 500, 501, 499);
        assertThat(stats.packetsReceived()).isEqualTo(2);
        assertThat(stats.cumulativeLost()).isZero();
    }

    @Test
    void packetsFurtherBehindThanMaxMisorderAreNotCounted() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 0);
        feed(stats, 200);
        assertThat(stats.onPacket(50, 0, T0, 90_000)).isFalse(); // 150 behind > MAX_MISORDER 100
        assertThat(stats.onPacket(150, 0, T0, 90_000)).isTrue(); // 50 behind
        assertThat(stats.cumulativeLost()).isEqualTo(199 - 1);
    }

    @Test
    void loneLargeJumpIsIgnored() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1000, 1001);
        assertThat(stats.onPacket(40000, 0, T0, 90_000)).isFalse();
        feed(stats, 1002);
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(1002);
        assertThat(stats.packetsReceived()).isEqualTo(3);
        assertThat(stats.restarts()).isZero();
    }

    @Test
    void twoSequentialPacketsAfterAJumpRestartTheSource() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1000, 1002);
        assertThat(stats.onPacket(40000, 0, T0, 90_000)).isFalse();
        assertThat(stats.onPacket(40001, 0, T0, 90_000)).isTrue();
        assertThat(stats.restarts()).isEqualTo(1);
        assertThat(stats.extendedHighestSequenceNumber()).isEqualTo(40001);
        assertThat(stats.packetsReceived()).isEqualTo(1);
        assertThat(stats.cumulativeLost()).isZero();
        feed(stats, 40002);
        assertThat(block(stats, T0).fractionLost()).isZero();
    }

    @Test
    void forwardJumpBelowMaxDropoutIsLoss() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 0, 2999);
        assertThat(stats.cumulativeLost()).isEqualTo(2998);
        assertThat(stats.restarts()).isZero();
    }

    @Test
    void jitterMatchesHandComputedA8Example() {
        // 8 kHz clock, 20 ms packets (160 units). Arrivals 0, 20, 45, 60 ms after T0.
        // transit: 0, 0, +40, 0 (relative); D: 0, 40, 40.
        // Integer A.8: J16 += |D| - ((J16 + 8) >> 4): 0 -> 0 -> 40 -> 40 + 40 - 3 = 77; reported J16 >> 4.
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        stats.onPacket(1, 0, T0, 8000);
        assertThat(stats.interarrivalJitter()).isZero();
        stats.onPacket(2, 160, T0 + 20 * MS, 8000);
        assertThat(stats.interarrivalJitter()).isZero();
        stats.onPacket(3, 320, T0 + 45 * MS, 8000);
        assertThat(stats.interarrivalJitter()).isEqualTo(40 >> 4); // 2 (floating point A.8: 2.5)
        stats.onPacket(4, 480, T0 + 60 * MS, 8000);
        assertThat(stats.interarrivalJitter()).isEqualTo(77 >> 4); // 4 (floating point A.8: 4.84)
        assertThat(block(stats, T0 + 60 * MS).interarrivalJitter()).isEqualTo(4);
    }

    @Test
    void jitterIsZeroForPerfectlyPacedStream() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        for (int i = 0; i < 100; i++) {
            stats.onPacket(i, 0xFFFF_FF00L + 960L * i, T0 + 20 * MS * i, 48_000); // timestamps wrap 32 bits
        }
        assertThat(stats.interarrivalJitter()).isZero();
    }

    @Test
    void jitterConvergesToConstantAlternatingDelay() {
        // every other packet 10 ms late: |D| = 900 units at 90 kHz each time; J converges to 900
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        for (int i = 0; i < 500; i++) {
            long late = i % 2 == 0 ? 0 : 10 * MS;
            stats.onPacket(i, 3000L * i, T0 + 33 * MS * i + late + (i * MS) / 3, 90_000);
        }
        assertThat(stats.interarrivalJitter()).isBetween(880L, 900L);
    }

    @Test
    void duplicatesDoNotFeedJitter() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        stats.onPacket(1, 0, T0, 8000);
        stats.onPacket(2, 160, T0 + 20 * MS, 8000);
        stats.onPacket(2, 160, T0 + 500 * MS, 8000); // a duplicate arriving much later
        assertThat(stats.interarrivalJitter()).isZero();
    }

    @Test
    void lsrIsMiddle32BitsOfNtpAndDlsrIsIn65536thsOfASecond() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1);
        long ntp = 0xE8D4_A510_1234_5678L;
        stats.onSenderReport(ntp, T0 + 100 * MS);
        ReportBlockValues rb = block(stats, T0 + 1600 * MS);
        assertThat(rb.lastSr()).isEqualTo(0xA510_1234L);
        assertThat(rb.delaySinceLastSr()).isEqualTo(98_304); // 1.5 s * 65536
        feed(stats, 2);
        assertThat(block(stats, T0 + 350 * MS).delaySinceLastSr()).isEqualTo(16_384); // 0.25 s
        assertThat(stats.delaySinceLastSr(T0 + 100 * MS + 1)).isZero(); // 1 ns rounds down
        assertThat(stats.delaySinceLastSr(T0)).isZero(); // report before SR time: never negative
    }

    @Test
    void dlsrSaturatesAt32Bits() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        stats.onSenderReport(1L << 40, 0);
        assertThat(stats.delaySinceLastSr(70_000L * 1_000_000_000L)).isEqualTo(0xFFFF_FFFFL);
        assertThat(stats.delaySinceLastSr(65_535L * 1_000_000_000L)).isEqualTo(65_535L << 16);
    }

    @Test
    void lsrAndDlsrAreZeroWithoutSenderReport() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1, 2);
        ReportBlockValues rb = block(stats, T0 + 5000 * MS);
        assertThat(rb.lastSr()).isZero();
        assertThat(rb.delaySinceLastSr()).isZero();
    }

    @Test
    void noReportBlockWhenNothingArrivedSinceLastReport() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1);
        assertThat(stats.reportBlock(T0)).isPresent();
        assertThat(stats.reportBlock(T0)).isEmpty();
        feed(stats, 1); // duplicate only
        assertThat(stats.reportBlock(T0)).isEmpty();
        feed(stats, 3);
        assertThat(block(stats, T0).fractionLost()).isEqualTo(128); // 1 of 2 lost
    }

    @Test
    void recoveredPacketsAreCountedApartFromLoss() {
        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        feed(stats, 1, 3);
        stats.onRecovered(2);
        assertThat(stats.packetsRecovered()).isEqualTo(1);
        assertThat(stats.cumulativeLost()).isEqualTo(1);
        assertThat(block(stats, T0).cumulativeLost()).isEqualTo(1);
    }

    @Test
    void cumulativeLostIsClampedTo24BitsSigned() {
        assertThat(ReportBlockValues.clampCumulativeLost(10_000_000)).isEqualTo(0x7FFFFF);
        assertThat(ReportBlockValues.clampCumulativeLost(-9_000_000)).isEqualTo(-0x800000);
        assertThat(ReportBlockValues.clampCumulativeLost(-5)).isEqualTo(-5);

        var stats = new ReceiveStatistics(SSRC, ACCEPT_FIRST);
        int seq = 0;
        stats.onPacket(seq, 0, T0, 90_000);
        for (int i = 0; i < 3000; i++) { // 3000 jumps of 2999: ~9 M lost, past 2^23
            seq = (seq + 2999) & 0xFFFF;
            stats.onPacket(seq, 0, T0, 90_000);
        }
        assertThat(stats.cumulativeLost()).isEqualTo(3000L * 2998);
        ReportBlockValues rb = block(stats, T0);
        assertThat(rb.cumulativeLost()).isEqualTo(0x7FFFFF);
        assertThat(rb.extendedHighestSequenceNumber()).isEqualTo(3000L * 2999);
    }

    @Test
    void timestampUnitConversionHandlesLargeAndNegativeTimes() {
        assertThat(ReceiveStatistics.toTimestampUnits(1_000_000_000L, 90_000)).isEqualTo(90_000);
        assertThat(ReceiveStatistics.toTimestampUnits(Long.MAX_VALUE, 90_000))
                .isEqualTo(Long.MAX_VALUE / 1_000_000_000L * 90_000 + (Long.MAX_VALUE % 1_000_000_000L) * 90_000 / 1_000_000_000L);
        assertThat(ReceiveStatistics.toTimestampUnits(-1, 8000)).isEqualTo(-1);
        assertThat(ReceiveStatistics.toTimestampUnits(-125_000, 8000)).isEqualTo(-1);
        assertThat(ReceiveStatistics.toTimestampUnits(-125_001, 8000)).isEqualTo(-2);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new ReceiveStatistics(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReceiveStatistics.Config(0, 3000, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReceiveStatistics.Config(2, 3000, 5000)).isInstanceOf(IllegalArgumentException.class);
        var stats = new ReceiveStatistics(SSRC);
        assertThatThrownBy(() -> stats.onPacket(1, 0, T0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
