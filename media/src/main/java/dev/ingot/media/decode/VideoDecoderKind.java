package dev.ingot.media.decode;

import java.util.Locale;

/** A concrete video decoder, named as Smelter names it in {@code decoder_preferences}. */
public enum VideoDecoderKind {
    FFMPEG_H264(VideoCodecKind.H264),
    FFMPEG_VP8(VideoCodecKind.VP8),
    FFMPEG_VP9(VideoCodecKind.VP9),
    VULKAN_H264(VideoCodecKind.H264);

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
