package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {
    static final long MS = 1_000_000L;

    @Test
    void startsAtOneHundredMilliseconds() {
        assertThat(new RttEstimator().rttNanos()).isEqualTo(100 * MS);
        assertThat(new RttEstimator().samples()).isZero();
    }

    @Test
    void firstSampleReplacesDefaultAndLaterOnesMoveByAnEighth() {
        var rtt = new RttEstimator();
        rtt.onSample(40 * MS);
        assertThat(rtt.rttNanos()).isEqualTo(40 * MS);
        rtt.onSample(120 * MS);
        assertThat(rtt.rttNanos()).isEqualTo(50 * MS);
        assertThat(rtt.samples()).isEqualTo(2);
    }

    @Test
    void samplesAreClamped() {
        var rtt = new RttEstimator();
        rtt.onSample(-5);
        assertThat(rtt.rttNanos()).isEqualTo(1 * MS);
        var other = new RttEstimator();
        other.onSample(Long.MAX_VALUE);
        assertThat(other.rttNanos()).isEqualTo(10_000 * MS);
    }
}
