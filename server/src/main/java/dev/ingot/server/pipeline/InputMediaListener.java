package dev.ingot.server.pipeline;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;

/**
 * Receives one input's decoded media with PTS on the queue's timeline (nanoseconds relative to the queue start,
 * {@code delay_ms} and {@code offset_ms} included), as soon as it is decoded. Implemented by the queue's input
 * buffer and by the side channel. Called on the input's decoding threads; must not block.
 */
public interface InputMediaListener {
    /** A decoded picture; the listener gets its own reference and must release it. */
    void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos);

    void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos);

    /** The publisher is gone or the input was unregistered: no more media of this kind for now. */
    default void onTrackEnded(String inputId, boolean video) {
    }
}
