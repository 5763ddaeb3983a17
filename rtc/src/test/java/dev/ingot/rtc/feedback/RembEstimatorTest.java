package dev.ingot.rtc.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RembEstimatorTest {
    static final long MS = 1_000_000L;
    static final long T0 = 10_000 * MS;

    /** Feeds {@code bps} for {@code millis} ms as 1000-byte packets spread evenly, starting at {@code from}. */
    static long feed(RembEstimator remb, long from, long bps, int millis) {
        long packets = bps * millis / 1000 / 8000;
        for (long i = 0; i < packets; i++) {
            remb.onPacket(1000, from + i * millis * MS / packets);
        }
        return from + millis * MS;
    }

    @Test
    void nothingBeforeMedia() {
        var remb = new RembEstimator();
        assertThat(remb.pollRemb(T0)).isEmpty();
    }

    @Test
    void advertisesFloorWhileSenderIsSlow() {
        var remb = new RembEstimator();
        long t = feed(remb, T0, 300_000, 1000);
        assertThat(remb.observedBitrateBps(t - 1)).isEqualTo(296_000); // 37 packets of 1000 bytes
        assertThat(remb.pollRemb(t - 1)).isEqualTo(OptionalLong.of(2_500_000));
    }

    @Test
    void advertisesHeadroomAboveObservedRate() {
        var remb = new RembEstimator();
        long t = feed(remb, T0, 4_000_000, 1000);
        assertThat(remb.observedBitrateBps(t - 1)).isEqualTo(4_000_000);
        assertThat(remb.advertisedBitrateBps(t - 1)).isEqualTo(6_000_000);
    }

    @Test
    void advertisedRateIsCapped() {
        var remb = new RembEstimator();
        long t = feed(remb, T0, 16_000_000, 1000);
        assertThat(remb.advertisedBitrateBps(t - 1)).isEqualTo(20_000_000);
    }

    @Test
    void oldTrafficLeavesTheOneSecondWindow() {
        var remb = new RembEstimator();
        long t = feed(remb, T0, 8_000_000, 1000);
        // the window is the current 100 ms bucket and the nine before it: 400 ms of the traffic remain
        assertThat(remb.observedBitrateBps(t + 500 * MS)).isEqualTo(3_200_000);
        assertThat(remb.observedBitrateBps(t + 1000 * MS)).isZero();
        remb.onPacket(1000, T0); // a packet older than the window is ignored
        assertThat(remb.observedBitrateBps(t + 1000 * MS)).isZero();
    }

    @Test
    void sentAtStartThenEverySecond() {
        var remb = new RembEstimator();
        remb.onPacket(1000, T0);
        assertThat(remb.pollRemb(T0)).isEqualTo(OptionalLong.of(2_500_000));
        assertThat(remb.pollRemb(T0 + 500 * MS)).isEmpty();
        assertThat(remb.pollRemb(T0 + 999 * MS)).isEmpty();
        assertThat(remb.pollRemb(T0 + 1000 * MS)).isEqualTo(OptionalLong.of(2_500_000));
    }

    @Test
    void largeChangeIsSentEarlyButNotTooOften() {
        var remb = new RembEstimator();
        remb.onPacket(1000, T0);
        assertThat(remb.pollRemb(T0)).isEqualTo(OptionalLong.of(2_500_000));
        long t = feed(remb, T0 + MS, 30_000_000, 100); // 375 packets: 3.008 Mbit in the window with the first
        assertThat(remb.advertisedBitrateBps(t)).isEqualTo(4_512_000);
        assertThat(remb.pollRemb(t)).isEmpty(); // +80%, but only 101 ms since the last REMB
        assertThat(remb.pollRemb(T0 + 200 * MS)).isEqualTo(OptionalLong.of(4_512_000));
        assertThat(remb.pollRemb(T0 + 400 * MS)).isEmpty(); // no further change
    }
}
