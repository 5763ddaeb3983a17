package dev.ingot.rtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimestampUnwrapperTest {

    private static final long WRAP = 1L << 32;

    @Test
    void wrapsForwardPast2To32() {
        TimestampUnwrapper u = new TimestampUnwrapper();
        assertThat(u.unwrap(0xFFFF_FF00L)).isEqualTo(0xFFFF_FF00L);
        assertThat(u.unwrap(0x0000_0100L)).isEqualTo(WRAP + 0x100);
        assertThat(u.unwrap(0x8000_0000L)).isEqualTo(WRAP + 0x8000_0000L);
        assertThat(u.unwrap(0xFFFF_FFFFL)).isEqualTo(WRAP + 0xFFFF_FFFFL);
        assertThat(u.unwrap(5)).isEqualTo(2 * WRAP + 5);
    }

    @Test
    void timestampsGoingBackAcrossTheWrapStayBelow() {
        TimestampUnwrapper u = new TimestampUnwrapper();
        assertThat(u.unwrap(3000)).isEqualTo(3000);
        assertThat(u.unwrap(0xFFFF_F000L)).as("B-frame style step back over the wrap").isEqualTo(3000 - 0x1000 - 3000);
        assertThat(u.unwrap(6000)).isEqualTo(6000);
    }

    @Test
    void wrapsBackwardFromAHighReference() {
        TimestampUnwrapper u = new TimestampUnwrapper();
        u.unwrap(10);
        assertThat(u.unwrap(0xFFFF_FFF6L)).isEqualTo(-10);
        assertThat(u.peek(0)).isEqualTo(0);
        assertThat(u.last()).isEqualTo(-10);
        u.reset();
        assertThat(u.started()).isFalse();
        assertThat(u.unwrap(0xFFFF_FFF6L)).isEqualTo(0xFFFF_FFF6L);
    }

    @Test
    void onlyTheLow32BitsCount() {
        assertThat(TimestampUnwrapper.unwrap(WRAP * 3 + 100, WRAP + 200)).isEqualTo(WRAP * 3 + 200);
        assertThat(TimestampUnwrapper.unwrap(100, 100 + 0x7FFF_FFFFL)).isEqualTo(100 + 0x7FFF_FFFFL);
        assertThat(TimestampUnwrapper.unwrap(100, 100 + 0x8000_0000L)).isEqualTo(100 - 0x8000_0000L);
    }
}
