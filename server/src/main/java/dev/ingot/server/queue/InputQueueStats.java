package dev.ingot.server.queue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The queue's figures for one input, for {@code /stats} (Ingot's extra fields beside Smelter's).
 *
 * @param required whether the input holds ticks ({@code required: true})
 * @param video    its pictures
 * @param audio    its audio batches
 */
public record InputQueueStats(boolean required, TrackStats video, TrackStats audio) {

    /**
     * Counters of one kind of media since the input was registered. Every item delivered is eventually either
     * consumed or dropped: {@code delivered == consumed + dropped + pending}.
     *
     * @param delivered items the decoder handed to the queue
     * @param consumed  items that went out in at least one tick (a picture shown, samples played)
     * @param dropped   items released without ever going out: superseded before any tick wanted them (an input
     *                  faster than the output framerate), too old, over the buffer bound, left at the end
     * @param pending   items held now that have not gone out yet
     * @param state     {@code idle} (no stream), {@code delivered} (stream arrived, nothing played yet),
     *                  {@code playing}, {@code paused} (stalled), {@code ended} (ended, draining)
     */
    public record TrackStats(long delivered, long consumed, long dropped, int pending, String state) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", state);
            m.put("delivered", delivered);
            m.put("consumed", consumed);
            m.put("dropped", dropped);
            m.put("pending", pending);
            return m;
        }
    }

    /** {@code {"required": .., "video": {...}, "audio": {...}}} with snake_case names, for JSON. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("required", required);
        m.put("video", video.toJson());
        m.put("audio", audio.toJson());
        return m;
    }
}
