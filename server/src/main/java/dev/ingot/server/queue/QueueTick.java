package dev.ingot.server.queue;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import java.util.Map;

/**
 * What the output queue hands its consumers once per output frame (Smelter's {@code FrameSet} and the matching
 * audio): for each input that has something for this tick, the picture to show at {@code ptsNanos} (the newest
 * one with a queue PTS at or before it) and the audio samples of {@code [ptsNanos, ptsNanos + durationNanos)} at
 * the mixing sample rate. An input with nothing (not streaming, not yet due, stalled past the fallback timeout)
 * is absent from the map.
 *
 * <p>The frames are valid during the consumer's {@link QueueTickConsumer#onTick} call only: the queue releases
 * its references afterwards, so a consumer that keeps a frame calls {@link VideoFrame#retain()} (and releases it
 * later). The same frame may appear in several ticks (a 25 fps input on a 30 fps output repeats some).
 *
 * @param index         tick number since the start: {@code ptsNanos} is exactly {@code index * den / num} seconds
 * @param ptsNanos      nanoseconds after the pipeline start
 * @param durationNanos up to the next tick's PTS
 * @param video         per input id, the picture for this tick
 * @param audio         per input id, exactly this tick's samples (silence where the input had none inside them)
 */
public record QueueTick(long index, long ptsNanos, long durationNanos, Map<String, VideoFrame> video,
        Map<String, AudioBatch> audio) {
    public QueueTick {
        video = Map.copyOf(video);
        audio = Map.copyOf(audio);
    }
}
