package dev.ingot.server.pipeline;

import dev.ingot.media.decode.VideoDecoderKind;
import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.media.payload.RtpMedia;
import dev.ingot.media.pipeline.DecodedMediaSink;
import dev.ingot.media.pipeline.InputPipeline;
import dev.ingot.media.pipeline.TrackPipeline;
import dev.ingot.rtc.rtp.RtpPacket;
import dev.ingot.rtc.sdp.NegotiatedSession;
import dev.ingot.rtc.session.MediaKind;
import dev.ingot.rtc.session.MediaSink;
import dev.ingot.server.queue.InputTimeline;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.net.SessionDriver;
import dev.ingot.server.net.WebRtcTransport;
import dev.ingot.server.stats.RateMeter;
import dev.ingot.server.stats.RtpTrackStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media side of one WHIP session: authenticated RTP from the session goes into the input's decoding
 * pipeline; decoded frames and batches go, with PTS on the queue's timeline, to every {@link InputMediaListener}
 * (queue, side channel, thumbnails); keyframe needs go back to the session as rate-limited PLIs.
 */
public final class InputMediaPipeline implements WebRtcTransport.SessionMedia, MediaSink, DecodedMediaSink,
        TrackPipeline.Signals {
    private static final Logger LOG = LoggerFactory.getLogger(InputMediaPipeline.class);
    private static final long KEYFRAME_SIGNAL_INTERVAL_NANOS = 100_000_000L;

    private final RegisteredInput input;
    private final String codec;
    private final Optional<VideoDecoderKind> decoder;
    private final List<InputMediaListener> listeners;
    private final InputTimeline timeline;
    private final InputPipeline pipeline;
    private final RateMeter decodedFps = new RateMeter();
    private final RateMeter audioRate = new RateMeter();
    private volatile SessionDriver driver;
    private volatile long lastKeyframeSignal = Long.MIN_VALUE / 2;
    private volatile boolean keyframeSeen;
    private volatile int width;
    private volatile int height;

    public InputMediaPipeline(RegisteredInput input, NegotiatedSession negotiated, Optional<VideoDecoderKind> decoder,
            int mixingSampleRate, int defaultBufferMs, List<InputMediaListener> listeners, InputTimeline timeline) {
        this.input = input;
        this.decoder = decoder;
        this.listeners = listeners;
        this.timeline = timeline;
        this.codec = negotiated.video().map(v -> v.codec().encodingName()).orElse("none");
        OptionalDouble buffer = input.spec().bufferSizeMs().map(OptionalDouble::of).orElse(OptionalDouble.empty());
        InputPipeline.Spec spec = new InputPipeline.Spec(input.id(),
                negotiated.video().map(v -> v.codec().encodingName()).orElse(null),
                negotiated.video().map(v -> v.fmtp().parameters()).orElse(""),
                negotiated.video().map(v -> v.clockRate()).orElse(90_000),
                decoder.orElse(null), negotiated.audio().isPresent(), mixingSampleRate, buffer, defaultBufferMs);
        this.pipeline = new InputPipeline(spec, this, this, System::nanoTime);
        observe(pipeline.video(), input.videoStats(), spec.videoClockRate());
        observe(pipeline.audio(), input.audioStats(), 48_000);
        input.liveStats(this::stats);
    }

    /** Smelter's jitter-buffer figures in /stats: the track's packets, on this stream's queue timeline. */
    private void observe(TrackPipeline track, RtpTrackStats stats, int clockRate) {
        if (track != null) {
            stats.buffer().newStream(clockRate, timeline::dueNanos);
            track.observe(stats.buffer());
        }
    }

    @Override
    public MediaSink sink() {
        return this;
    }

    @Override
    public void bind(SessionDriver d) {
        this.driver = d;
    }

    // --- network thread: authenticated RTP ---------------------------------------------------------------

    @Override
    public void onRtp(MediaKind kind, RtpPacket p, boolean retransmitted, long nowNanos) {
        RtpTrackStats stats = kind == MediaKind.VIDEO ? input.videoStats() : input.audioStats();
        stats.onPacket(p.payloadLength(), p.timestamp(), nowNanos);
        if (retransmitted) {
            stats.onRecovered(1);
        }
        byte[] payload = new byte[p.payloadLength()];
        System.arraycopy(p.buffer(), p.payloadOffset(), payload, 0, payload.length);
        RtpMedia m = new RtpMedia(p.sequenceNumber(), p.timestamp(), p.marker(), p.payloadType(), p.ssrc(), payload,
                0, payload.length, nowNanos);
        if (kind == MediaKind.VIDEO) {
            pipeline.pushVideo(m);
        } else {
            pipeline.pushAudio(m);
        }
    }

    @Override
    public void onSenderReport(MediaKind kind, long ntpTimestamp, long rtpTimestamp, long nowNanos) {
        pipeline.senderReport(kind == MediaKind.VIDEO, ntpTimestamp, rtpTimestamp);
    }

    // --- track threads: signals and decoded media -------------------------------------------------------

    @Override
    public void keyframeNeeded() {
        long now = System.nanoTime();
        SessionDriver d = driver;
        if (d != null && now - lastKeyframeSignal >= KEYFRAME_SIGNAL_INTERVAL_NANOS) {
            lastKeyframeSignal = now;
            d.withSession(s -> {
                s.requestKeyframe(now);
                return null;
            });
        }
    }

    @Override
    public void keyframeReceived() {
        SessionDriver d = driver;
        if (!keyframeSeen) {
            keyframeSeen = true;
            LOG.info("input={} first keyframe received", input.id());
        }
        if (d != null) {
            d.withSession(s -> {
                s.keyframeReceived();
                return null;
            });
        }
    }

    /** Media PTS to queue PTS: one timeline for both tracks, fixed at the input's first decoded media. */
    private long queuePts(long mediaPtsNanos) {
        return timeline.toQueuePts(mediaPtsNanos);
    }

    @Override
    public void onVideoFrame(VideoFrame frame) {
        try {
            decodedFps.mark(System.nanoTime());
            width = frame.width();
            height = frame.height();
            long pts = queuePts(frame.ptsNanos());
            for (InputMediaListener l : listeners) {
                frame.retain();
                try {
                    l.onVideoFrame(input.id(), frame, pts);
                } catch (RuntimeException e) {
                    LOG.warn("input={} video listener failed: {}", input.id(), e.toString());
                }
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void onAudioBatch(AudioBatch batch) {
        audioRate.mark(System.nanoTime());
        long pts = queuePts(batch.startPtsNanos());
        for (InputMediaListener l : listeners) {
            try {
                l.onAudioBatch(input.id(), batch, pts);
            } catch (RuntimeException e) {
                LOG.warn("input={} audio listener failed: {}", input.id(), e.toString());
            }
        }
    }

    @Override
    public void onTrackEnded(boolean video) {
        for (InputMediaListener l : listeners) {
            l.onTrackEnded(input.id(), video);
        }
    }

    /** Ingot's extra /stats figures for the input. */
    public Map<String, Object> stats() {
        long now = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("codec", codec);
        m.put("decoder", decoder.map(VideoDecoderKind::jsonName).orElse(null));
        m.put("video_decoded_fps", decodedFps.perSecond(now));
        m.put("video_frames_decoded", decodedFps.total());
        m.put("video_frames_failed", pipeline.video() == null ? 0 : pipeline.video().framesFailed());
        m.put("video_resolution", width == 0 ? null : width + "x" + height);
        m.put("audio_batches_per_second", audioRate.perSecond(now));
        m.put("audio_batches_decoded", audioRate.total());
        m.put("video_jitter_buffer_ms", pipeline.video() == null ? 0 : pipeline.video().jitterTargetNanos() / 1_000_000);
        if (pipeline.video() != null) {
            var jb = pipeline.video().jitterStats();
            var dp = pipeline.video().depacketizerStats();
            m.put("video_jitter_buffer_lost", jb.lost());
            m.put("video_jitter_buffer_late", jb.late());
            m.put("video_reordered", jb.reordered());
            m.put("video_frames_dropped_broken", dp.framesDroppedBroken());
            m.put("video_frames_dropped_waiting_for_keyframe", dp.framesDroppedWaitingForKeyframe());
        }
        m.put("audio_jitter_buffer_ms", pipeline.audio() == null ? 0 : pipeline.audio().jitterTargetNanos() / 1_000_000);
        return m;
    }

    @Override
    public void close() {
        pipeline.close();
        input.liveStats(null);
    }
}
