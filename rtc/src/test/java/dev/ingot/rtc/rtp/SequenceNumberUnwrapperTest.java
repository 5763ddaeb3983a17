package dev.ingot.rtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceNumberUnwrapperTest {

    @Test
    void firstValueIsReturnedAsIs() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        assertThat(u.started()).isFalse();
        assertThat(u.unwrap(40000)).isEqualTo(40000);
        assertThat(u.started()).isTrue();
        assertThat(u.last()).isEqualTo(40000);
    }

    @Test
    void wrapsForwardPast65535() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        assertThat(u.unwrap(65534)).isEqualTo(65534);
        assertThat(u.unwrap(65535)).isEqualTo(65535);
        assertThat(u.unwrap(0)).isEqualTo(65536);
        assertThat(u.unwrap(1)).isEqualTo(65537);
        // a second full cycle
        long last = 65537;
        for (int i = 2; i < 65536 + 10; i++) {
            last = u.unwrap(i & 0xFFFF);
        }
        assertThat(last).isEqualTo(65536 + 65536 + 9);
    }

    @Test
    void reorderedPacketsAcrossTheWrapGoBackwards() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        assertThat(u.unwrap(65535)).isEqualTo(65535);
        assertThat(u.unwrap(2)).isEqualTo(65538);
        assertThat(u.unwrap(65534)).as("late packet from before the wrap").isEqualTo(65534);
        assertThat(u.unwrap(0)).isEqualTo(65536);
        assertThat(u.unwrap(3)).isEqualTo(65539);
    }

    @Test
    void wrapsBackwardBelowTheFirstValue() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        assertThat(u.unwrap(2)).isEqualTo(2);
        assertThat(u.unwrap(65535)).as("older than the first packet").isEqualTo(-1);
        assertThat(u.unwrap(65530)).isEqualTo(-6);
        assertThat(u.unwrap(3)).isEqualTo(3);
    }

    @Test
    void peekDoesNotMoveTheReference() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        assertThat(u.peek(7)).isEqualTo(7);
        assertThat(u.started()).isFalse();
        u.unwrap(65535);
        assertThat(u.peek(0)).isEqualTo(65536);
        assertThat(u.last()).isEqualTo(65535);
        u.reset();
        assertThat(u.unwrap(5)).isEqualTo(5);
    }

    @Test
    void jumpsUpToHalfTheRangeGoForwardAndBeyondGoBack() {
        assertThat(SequenceNumberUnwrapper.unwrap(100, (100 + 32767) & 0xFFFF)).isEqualTo(100 + 32767);
        assertThat(SequenceNumberUnwrapper.unwrap(100, (100 + 32768) & 0xFFFF)).isEqualTo(100 - 32768);
        assertThat(SequenceNumberUnwrapper.unwrap(5L * 65536 + 10, 65535)).isEqualTo(5L * 65536 - 1);
        assertThat(SequenceNumberUnwrapper.unwrap(-3, 1)).isEqualTo(1);
        assertThat(SequenceNumberUnwrapper.unwrap(-3, 65530)).isEqualTo(-6);
    }
}
