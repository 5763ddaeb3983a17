package dev.ingot.server.queue;

import static dev.ingot.server.queue.QueueHarness.MS;
import static dev.ingot.server.queue.QueueHarness.S;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.PipelineClock;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class InputTimelineTest {
    private final PipelineClock clock = new PipelineClock();
    private long now = 77 * S;

    @Test
    void beforeTheStartEverythingIsAtTheStartPlusTheShift() {
        InputTimeline t = new InputTimeline(clock, () -> now, 200 * MS, OptionalLong.empty());
        assertThat(t.toQueuePts(0)).isEqualTo(200 * MS);
        assertThat(t.toQueuePts(9 * S)).isEqualTo(200 * MS);
        assertThat(t.fixed()).isFalse();
        InputTimeline withOffset = new InputTimeline(clock, () -> now, 0, OptionalLong.of(2 * S));
        assertThat(withOffset.toQueuePts(123)).isEqualTo(2 * S);
    }

    @Test
    void firstMediaAfterTheStartLandsNowAndTheRestFollowsItsMediaClock() {
        InputTimeline t = new InputTimeline(clock, () -> now, 150 * MS, OptionalLong.empty(), 0);
        clock.start(now);
        now += 2 * S;
        assertThat(t.toQueuePts(40 * S)).isEqualTo(2 * S + 150 * MS);
        assertThat(t.fixed()).isTrue();
        now += 7 * S; // the wall clock does not matter any more
        assertThat(t.toQueuePts(40 * S + 500 * MS)).isEqualTo(2 * S + 500 * MS + 150 * MS);
        assertThat(t.toQueuePts(39 * S)).isEqualTo(1 * S + 150 * MS);
    }

    @Test
    void offsetPlacesTheFirstMediaThereButNeverInThePast() {
        clock.start(now);
        now += 300 * MS;
        InputTimeline ahead = new InputTimeline(clock, () -> now, 0, OptionalLong.of(1 * S), 0);
        assertThat(ahead.toQueuePts(5 * S)).isEqualTo(1 * S);
        assertThat(ahead.toQueuePts(6 * S)).isEqualTo(2 * S);
        now += 4 * S;
        InputTimeline late = new InputTimeline(clock, () -> now, 0, OptionalLong.of(1 * S), 0);
        assertThat(late.toQueuePts(5 * S)).isEqualTo(4 * S + 300 * MS);
    }

    @Test
    void byDefaultTheFirstMediaGetsAHeadStartOverNow() {
        InputTimeline t = new InputTimeline(clock, () -> now, 0, OptionalLong.empty());
        clock.start(now);
        now += 1 * S;
        assertThat(t.toQueuePts(0)).isEqualTo(1 * S + InputTimeline.DEFAULT_MARGIN_NANOS);
        assertThat(InputTimeline.DEFAULT_MARGIN_NANOS).isEqualTo(80 * MS);
    }

    @Test
    void aNewStartFixesItAgain() {
        InputTimeline t = new InputTimeline(clock, () -> now, 0, OptionalLong.empty(), 0);
        clock.start(now);
        now += 1 * S;
        assertThat(t.toQueuePts(10 * S)).isEqualTo(1 * S);
        clock.reset();
        assertThat(t.fixed()).isFalse();
        now += 5 * S;
        clock.start(now);
        now += 3 * S;
        assertThat(t.toQueuePts(20 * S)).isEqualTo(3 * S);
    }

    @Test
    void readsDelayAndOffsetFromTheInputSpec() {
        var in = QueueHarness.input("x", false, 250.0, Optional.of(1000.0));
        InputTimeline t = InputTimeline.forInput(in, clock, () -> now);
        assertThat(t.delayNanos()).isEqualTo(250 * MS);
        assertThat(t.toQueuePts(0)).isEqualTo(1250 * MS);
    }
}
