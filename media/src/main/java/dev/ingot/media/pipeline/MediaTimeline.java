package dev.ingot.media.pipeline;

/**
 * One input's media timeline, shared by its tracks: 0 is the arrival of the first frame of any track, and each
 * track starts at its own first frame's arrival on it, so audio and video that arrive together play together.
 */
public final class MediaTimeline {
    private long originNanos = Long.MIN_VALUE;

    /** Where a track whose first frame arrived at {@code arrivalNanos} starts on the timeline. */
    public synchronized long anchor(long arrivalNanos) {
        if (originNanos == Long.MIN_VALUE) {
            originNanos = arrivalNanos;
        }
        return Math.max(0, arrivalNanos - originNanos);
    }

    /** The local time of media PTS 0, or Long.MIN_VALUE before the first frame. */
    public synchronized long originNanos() {
        return originNanos;
    }
}
