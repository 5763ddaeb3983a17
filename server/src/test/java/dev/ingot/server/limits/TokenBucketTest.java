package dev.ingot.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SEC = 1_000_000_000L;

    @Test
    void startsFullAndAdmitsABurstOfCapacity() {
        TokenBucket b = new TokenBucket(3, 20 * SEC, 0);
        assertThat(b.tryTake(0)).isZero();
        assertThat(b.tryTake(0)).isZero();
        assertThat(b.tryTake(0)).isZero();
        assertThat(b.tryTake(0)).isEqualTo(20 * SEC);
    }

    @Test
    void refillsOneTokenPerIntervalAndSaysHowLongToWait() {
        TokenBucket b = new TokenBucket(2, 10 * SEC, 0);
        b.tryTake(0);
        b.tryTake(0);
        assertThat(b.tryTake(4 * SEC)).isEqualTo(6 * SEC);
        assertThat(b.tryTake(10 * SEC)).isZero();
        assertThat(b.tryTake(10 * SEC)).isEqualTo(10 * SEC);
    }

    @Test
    void neverHoldsMoreThanCapacity() {
        TokenBucket b = new TokenBucket(2, SEC, 0);
        assertThat(b.tokens(1_000 * SEC)).isEqualTo(2);
        assertThat(b.isFull(1_000 * SEC)).isTrue();
        b.tryTake(1_000 * SEC);
        assertThat(b.isFull(1_000 * SEC)).isFalse();
        assertThat(b.isFull(1_001 * SEC)).isTrue();
    }

    @Test
    void anEarlierClockReadingRefillsNothing() {
        TokenBucket b = new TokenBucket(1, SEC, 10 * SEC);
        assertThat(b.tryTake(10 * SEC)).isZero();
        assertThat(b.tryTake(5 * SEC)).isEqualTo(SEC);
        assertThat(b.tryTake(11 * SEC)).isZero();
    }

    @Test
    void worksAcrossTheNanoTimeWrap() {
        long start = Long.MAX_VALUE - SEC / 2;
        TokenBucket b = new TokenBucket(1, SEC, start);
        assertThat(b.tryTake(start)).isZero();
        assertThat(b.tryTake(start + SEC)).as("one second later, past the wrap").isZero();
    }

    @Test
    void rejectsNonsenseParameters() {
        assertThatThrownBy(() -> new TokenBucket(0, SEC, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(Long.MAX_VALUE, 2, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
