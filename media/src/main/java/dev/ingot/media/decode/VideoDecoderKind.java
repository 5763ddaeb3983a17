package dev.ingot.media.decode;

import java.util.Locale;

/** A concrete video decoder, named as Smelter (and, for HEVC and AV1, Ingot) names it in {@code decoder_preferences}. */
public enum VideoDecoderKind {
    FFMPEG_H264(VideoCodecKind.H264),
    FFMPEG_VP8(VideoCodecKind.VP8),
    FFMPEG_VP9(VideoCodecKind.VP9),
    VULKAN_H264(VideoCodecKind.H264),
    /** Ingot's extension: FFmpeg's hevc decoder. */
    FFMPEG_HEVC(VideoCodecKind.H265),
    /** Ingot's extension: libaom's AV1 decoder through FFmpeg (the build has no dav1d). */
    FFMPEG_AV1(VideoCodecKind.AV1);

    private final VideoCodecKind codec;

    VideoDecoderKind(VideoCodecKind codec) {
        this.codec = codec;
    }

    public VideoCodecKind codec() {
        return codec;
    }

    /** The JSON name, e.g. {@code ffmpeg_h264}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
