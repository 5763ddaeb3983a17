package dev.ingot.media.decode;

import java.util.Locale;
import java.util.Optional;

/**
 * One entry of {@code video.decoder_preferences}: a decoder, or {@code any}. {@code ffmpeg_hevc} and
 * {@code ffmpeg_av1} are Ingot's extension; the others are Smelter's.
 */
public enum DecoderPreference {
    FFMPEG_H264, FFMPEG_VP8, FFMPEG_VP9, VULKAN_H264, FFMPEG_HEVC, FFMPEG_AV1, ANY;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DecoderPreference> fromJsonName(String name) {
        for (DecoderPreference p : values()) {
            if (p.jsonName().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
