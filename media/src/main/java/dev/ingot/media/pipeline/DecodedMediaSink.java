package dev.ingot.media.pipeline;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;

/**
 * Where an input's decoded media goes, called on the input's decoding threads (one for video, one for audio)
 * as soon as something is decoded. PTS are nanoseconds on the input's media timeline, which starts at 0 with the
 * first decoded frame or batch (A/V aligned through RTCP sender reports where the publisher sends them).
 */
public interface DecodedMediaSink {
    /** A decoded picture. The sink receives one reference and must {@link VideoFrame#release()} it. */
    void onVideoFrame(VideoFrame frame);

    /** Decoded PCM at the mixing sample rate. */
    void onAudioBatch(AudioBatch batch);

    /** The track stopped for good (publisher gone, input unregistered). */
    default void onTrackEnded(boolean video) {
    }

    DecodedMediaSink NONE = new DecodedMediaSink() {
        @Override
        public void onVideoFrame(VideoFrame frame) {
            frame.release();
        }

        @Override
        public void onAudioBatch(AudioBatch batch) {
        }
    };
}
