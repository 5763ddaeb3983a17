package dev.ingot.server.queue;

import static dev.ingot.server.queue.QueueHarness.MS;
import static dev.ingot.server.queue.QueueHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests scheduled in queue time run as Smelter's queue runs its scheduled events: held until the start, then
 * right after the last tick at or before their time and before the next one, in the order of their times;
 * late ones are dropped; a discard (reset) drops the pending ones. Manual clock, 30 fps (ticks every 33.3 ms).
 */
class ScheduledRequestsTest {
    private final List<String> ran = new ArrayList<>();

    private Runnable record(QueueHarness h, String name) {
        return () -> ran.add(name + "@" + h.ticks.size());
    }

    @Test
    void requestsWaitForTheStartThenRunBetweenTicksInTimeOrder() {
        try (QueueHarness h = new QueueHarness()) {
            assertThat(h.queue.schedule(50 * MS, "b", record(h, "b"))).isTrue();
            assertThat(h.queue.schedule(0, "a", record(h, "a"))).isTrue();
            assertThat(h.queue.schedule(50 * MS, "c", record(h, "c"))).isTrue();
            h.runTo(START - MS, 5 * MS);
            assertThat(ran).as("nothing before the start").isEmpty();
            h.start();
            h.runTo(START + 100 * MS, MS);
            // "a" (0 ms) after tick 0 (0 ms); "b" and "c" (50 ms) after tick 1 (33.3 ms), before tick 2 (66.7 ms)
            assertThat(ran).containsExactly("a@1", "b@2", "c@2");
            assertThat(h.queue.scheduledCount()).isZero();
        }
    }

    @Test
    void aRequestForATimeTheQueueHasPassedIsDropped() {
        try (QueueHarness h = new QueueHarness()) {
            h.start();
            h.runTo(START + 100 * MS, MS); // ticks 0..3 out (0, 33.3, 66.7, 100 ms)
            assertThat(h.queue.schedule(90 * MS, "late", record(h, "late"))).isFalse();
            assertThat(h.queue.schedule(100 * MS, "at the next tick's time", record(h, "next"))).isFalse();
            assertThat(h.queue.schedule(140 * MS, "ahead", record(h, "ahead"))).isTrue();
            h.runTo(START + 200 * MS, MS);
            assertThat(ran).containsExactly("ahead@5");
        }
    }

    @Test
    void discardDropsPendingRequestsAndANewStartCountsFromItself() {
        try (QueueHarness h = new QueueHarness()) {
            h.start();
            h.runTo(START + 40 * MS, MS);
            h.queue.schedule(200 * MS, "old", record(h, "old"));
            h.clock.reset();
            h.queue.discardScheduled();
            h.runTo(START + 300 * MS, MS);
            h.queue.schedule(100 * MS, "new", record(h, "new"));
            h.clock.start(START + 300 * MS);
            int ticksBefore = h.ticks.size();
            h.runTo(START + 600 * MS, MS);
            assertThat(ran).containsExactly("new@" + (ticksBefore + 4));
        }
    }
}
