package dev.ingot.rtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 3711 §3.3.1 / Appendix A rollover counter estimation. */
class PacketIndexTest {

    @Test
    void firstPacketStartsWithRocZero() {
        assertThat(PacketIndex.estimate(-1, 0)).isZero();
        assertThat(PacketIndex.estimate(-1, 65535)).isEqualTo(65535);
    }

    @Test
    void nextPacketsKeepTheRoc() {
        long highest = (3L << 16) | 1000;
        assertThat(PacketIndex.estimate(highest, 1001)).isEqualTo((3L << 16) | 1001);
        assertThat(PacketIndex.estimate(highest, 999)).isEqualTo((3L << 16) | 999);
    }

    @Test
    void sequenceWrapIncrementsTheRoc() {
        long highest = (3L << 16) | 65535;
        assertThat(PacketIndex.estimate(highest, 0)).isEqualTo(4L << 16);
        assertThat(PacketIndex.estimate(highest, 100)).isEqualTo((4L << 16) | 100);
        // s_l >= 32768: a SEQ more than 32768 below s_l belongs to the next ROC.
        long mid = (3L << 16) | 40000;
        assertThat(PacketIndex.estimate(mid, 40000 - 32768)).isEqualTo((3L << 16) | 7232);
        assertThat(PacketIndex.estimate(mid, 40000 - 32769)).isEqualTo((4L << 16) | 7231);
    }

    @Test
    void latePacketFromBeforeTheWrapGetsThePreviousRoc() {
        long highest = (4L << 16) | 3;
        assertThat(PacketIndex.estimate(highest, 65534)).isEqualTo((3L << 16) | 65534);
        // s_l < 32768: only a SEQ more than 32768 above s_l belongs to the previous ROC.
        assertThat(PacketIndex.estimate(highest, 3 + 32768)).isEqualTo((4L << 16) | 32771);
        assertThat(PacketIndex.estimate(highest, 3 + 32769)).isEqualTo((3L << 16) | 32772);
    }

    @Test
    void noIndexBeforeTheStartOrBeyondTheLastRoc() {
        assertThat(PacketIndex.estimate(5, 65530)).isEqualTo(PacketIndex.BEFORE_START);
        long last = (PacketIndex.MAX_ROC << 16) | 65535;
        assertThat(PacketIndex.estimate(last, 0)).isEqualTo(PacketIndex.EXHAUSTED);
        assertThat(PacketIndex.estimate(last, 65000)).isEqualTo((PacketIndex.MAX_ROC << 16) | 65000);
    }
}
