package dev.ingot.media.pipeline;

import dev.ingot.media.decode.AudioDecoder;
import dev.ingot.media.decode.DecodeResult;
import dev.ingot.media.decode.VideoDecoder;
import dev.ingot.media.decode.VideoDecoderKind;
import dev.ingot.media.jitter.JitterBuffer;
import dev.ingot.media.payload.Depacketizer;
import dev.ingot.media.payload.EncodedFrame;
import dev.ingot.media.payload.RtpMedia;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * One input's decoding: a video track (jitter buffer, depacketizer, FFmpeg decoder on its own platform thread)
 * and an Opus audio track (its own shorter jitter buffer, decoder resampling to the mixing rate), sharing one
 * {@link MediaTimeline}. Decoded media goes to a {@link DecodedMediaSink}.
 */
public final class InputPipeline implements AutoCloseable {
    /** What to decode. {@code videoEncoding} null for no video; {@code audio} false for no audio. */
    public record Spec(String inputId, String videoEncoding, String videoFmtp, int videoClockRate,
            VideoDecoderKind videoDecoder, boolean audio, int mixingSampleRate, OptionalDouble bufferSizeMs,
            double defaultBufferMs) {
    }

    private final TrackPipeline video;
    private final TrackPipeline audio;
    private final MediaTimeline timeline = new MediaTimeline();
    private final DecodedMediaSink sink;
    private volatile long audioBatches;

    public InputPipeline(Spec spec, DecodedMediaSink sink, TrackPipeline.Signals videoSignals, LongSupplier clock) {
        this.sink = sink;
        if (spec.videoEncoding() != null) {
            VideoDecoder decoder = VideoDecoder.open(spec.videoDecoder());
            video = new TrackPipeline(spec.inputId() + "-video",
                    new JitterBuffer(JitterBuffer.Config.video(spec.bufferSizeMs(), spec.defaultBufferMs()),
                            spec.videoClockRate()),
                    Depacketizer.forEncoding(spec.videoEncoding(), spec.videoFmtp()),
                    new VideoFrames(decoder, sink), videoSignals, timeline, spec.videoClockRate(), clock)
                    .timelineTrack(MediaTimeline.VIDEO);
        } else {
            video = null;
        }
        if (spec.audio()) {
            audio = new TrackPipeline(spec.inputId() + "-audio",
                    new JitterBuffer(JitterBuffer.Config.audio(spec.bufferSizeMs(), spec.defaultBufferMs()), 48_000),
                    Depacketizer.forEncoding("opus", ""), new AudioBatches(spec.mixingSampleRate()),
                    NO_SIGNALS, timeline, 48_000, clock).timelineTrack(MediaTimeline.AUDIO);
        } else {
            audio = null;
        }
    }

    private static final TrackPipeline.Signals NO_SIGNALS = new TrackPipeline.Signals() {
        @Override
        public void keyframeNeeded() {
        }

        @Override
        public void keyframeReceived() {
        }
    };

    public void pushVideo(RtpMedia p) {
        if (video != null) {
            video.push(p);
        }
    }

    public void pushAudio(RtpMedia p) {
        if (audio != null) {
            audio.push(p);
        }
    }

    /** A sender report for a track (RTCP SR): lines audio and video up by the sender's clock. */
    public void senderReport(boolean video, long ntpTimestamp, long rtpTimestamp) {
        timeline.senderReport(video ? MediaTimeline.VIDEO : MediaTimeline.AUDIO, ntpTimestamp, rtpTimestamp);
    }

    public TrackPipeline video() {
        return video;
    }

    public TrackPipeline audio() {
        return audio;
    }

    public long audioBatches() {
        return audioBatches;
    }

    @Override
    public void close() {
        if (video != null) {
            video.close();
            sink.onTrackEnded(true);
        }
        if (audio != null) {
            audio.close();
            sink.onTrackEnded(false);
        }
    }

    /** Video frames through FFmpeg. */
    private static final class VideoFrames implements TrackPipeline.FrameDecoder {
        private final VideoDecoder decoder;
        private final DecodedMediaSink sink;

        VideoFrames(VideoDecoder decoder, DecodedMediaSink sink) {
            this.decoder = decoder;
            this.sink = sink;
        }

        @Override
        public boolean decode(EncodedFrame frame, long ptsNanos) {
            return decoder.decode(frame.data(), frame.length(), ptsNanos, sink::onVideoFrame) != DecodeResult.NEEDS_KEYFRAME;
        }

        @Override
        public void close() {
            decoder.close();
        }
    }

    /** Opus packets (Concentus, with in-band FEC and concealment), resampled to the mixing rate; opens on the first packet. */
    private final class AudioBatches implements TrackPipeline.FrameDecoder {
        private final int sampleRate;
        private AudioDecoder decoder;

        AudioBatches(int sampleRate) {
            this.sampleRate = sampleRate;
        }

        @Override
        public boolean decode(EncodedFrame frame, long ptsNanos) {
            if (decoder == null) {
                decoder = AudioDecoder.openOpus(AudioDecoder.opusChannels(frame.data(), frame.length()), sampleRate);
            }
            // what was lost or paused before this packet is filled from its FEC or concealed (the frame says)
            decoder.decodeAfterGap(frame.data(), frame.length(), ptsNanos, frame.gapSamples(), frame.lostPackets() > 0,
                    this::deliver);
            return true;
        }

        private void deliver(dev.ingot.media.frame.AudioBatch b) {
            audioBatches++;
            sink.onAudioBatch(b);
        }

        @Override
        public void close() {
            if (decoder != null) {
                decoder.close();
            }
        }
    }
}
