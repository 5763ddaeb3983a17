package dev.ingot.server.queue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The output queue's own figures.
 *
 * @param running       whether it is ticking (the pipeline has started)
 * @param ticks         ticks handed to consumers since the start
 * @param ticksHeld     ticks that waited past their due time for a required input
 * @param ticksSkipped  ticks never produced: held back for a required input's first media, or the queue fell
 *                      more than the fallback timeout plus a second behind (a paused machine)
 * @param lastTickPts   PTS of the last tick, -1 before the first
 * @param lagNanos      how far behind its due time the last tick went out
 */
public record QueueStats(boolean running, long ticks, long ticksHeld, long ticksSkipped, long lastTickPts,
        long lagNanos) {
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", running);
        m.put("ticks", ticks);
        m.put("ticks_held", ticksHeld);
        m.put("ticks_skipped", ticksSkipped);
        m.put("last_tick_pts_ms", lastTickPts < 0 ? -1 : lastTickPts / 1_000_000.0);
        m.put("lag_ms", lagNanos / 1_000_000.0);
        return m;
    }
}
