package dev.ingot.server.ops;

import dev.ingot.media.frame.VideoFrame;
import java.util.Optional;

/**
 * Where the dashboard's thumbnails come from: the newest decoded picture of an input. {@link LatestFrames} is
 * the implementation fed by the decoding pipeline.
 */
@FunctionalInterface
public interface ThumbnailSource {
    /** A source that never has a picture (no decoding wired in). */
    ThumbnailSource NONE = inputId -> Optional.empty();

    /**
     * The newest decoded picture of {@code inputId}, if one is known. The returned frame carries a reference
     * of its own for the caller, who must {@link VideoFrame#release() release} it.
     */
    Optional<VideoFrame> latestFrame(String inputId);
}
