package dev.ingot.server.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests scheduled in queue time (Smelter's {@code Pipeline::schedule_event}, e.g. an unregister with
 * {@code schedule_time_ms}): each runs once the queue has produced every tick with PTS at or before its time, in
 * the order of their times, on the queue's thread. Before the start they wait. One scheduled for a time the queue
 * has already passed is dropped, as Smelter does without {@code run_late_scheduled_events}. {@link #discard()}
 * ({@code /api/reset}) drops every pending one, and once it returns none that was pending can still run.
 *
 * <p>No thread per request: the queue asks {@link #takeDue} as it goes and runs what it got with
 * {@link #run}. Thread-safe.
 */
final class ScheduledEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledEvents.class);

    /** One scheduled request, with the generation it belongs to (a reset starts a new one). */
    record Due(long ptsNanos, String what, Runnable action, long generation) {
    }

    private final TreeMap<Long, List<Due>> pending = new TreeMap<>();
    /** Held while a request runs and while {@link #discard()} drops them: a discarded one never runs after. */
    private final ReentrantLock running = new ReentrantLock();
    private long generation;

    /**
     * Adds a request for queue PTS {@code ptsNanos}; false (and dropped, with a warning) when the queue has passed
     * it: when {@code ptsNanos} is before {@code nextTickPtsNanos}, the PTS of the first tick not produced yet
     * ({@code 0} before the start).
     */
    synchronized boolean schedule(long ptsNanos, long nextTickPtsNanos, String what, Runnable action) {
        if (ptsNanos < nextTickPtsNanos) {
            LOG.warn("{} scheduled for {} ms dropped: the queue is already at {} ms", what, ptsNanos / 1_000_000.0,
                    nextTickPtsNanos / 1_000_000.0);
            return false;
        }
        pending.computeIfAbsent(ptsNanos, k -> new ArrayList<>(1)).add(new Due(ptsNanos, what, action, generation));
        return true;
    }

    /** Removes and returns the requests due now that the next tick to produce has PTS {@code nextTickPtsNanos}. */
    synchronized List<Due> takeDue(long nextTickPtsNanos) {
        if (pending.isEmpty() || pending.firstKey() >= nextTickPtsNanos) {
            return List.of();
        }
        List<Due> due = new ArrayList<>();
        while (!pending.isEmpty() && pending.firstKey() < nextTickPtsNanos) {
            Map.Entry<Long, List<Due>> e = pending.pollFirstEntry();
            due.addAll(e.getValue());
        }
        return due;
    }

    /** Runs requests from {@link #takeDue}, in order, unless a {@link #discard()} came after they were taken. */
    void run(List<Due> due) {
        for (Due d : due) {
            running.lock();
            try {
                synchronized (this) {
                    if (d.generation() != generation) {
                        continue;
                    }
                }
                LOG.info("{} scheduled for {} ms: running", d.what(), d.ptsNanos() / 1_000_000.0);
                try {
                    d.action().run();
                } catch (RuntimeException e) {
                    LOG.warn("{} scheduled for {} ms failed: {}", d.what(), d.ptsNanos() / 1_000_000.0, e.getMessage());
                }
            } finally {
                running.unlock();
            }
        }
    }

    /** Drops every pending request (reset); waits for one that is running to end. */
    void discard() {
        running.lock();
        try {
            synchronized (this) {
                if (!pending.isEmpty()) {
                    LOG.info("{} scheduled request(s) discarded", pending.values().stream().mapToInt(List::size).sum());
                }
                pending.clear();
                generation++;
            }
        } finally {
            running.unlock();
        }
    }

    synchronized int size() {
        return pending.values().stream().mapToInt(List::size).sum();
    }
}
