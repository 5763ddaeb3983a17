package dev.ingot.media.decode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves the ordered {@code decoder_preferences} into the decoders to try, in order, as Smelter does:
 * {@code any} expands where it stands to VP9, VP8, then H264 (Vulkan when a Vulkan Video decoder exists, else
 * FFmpeg), and then, Ingot's extension, HEVC and AV1, so that a publisher offering only those is decoded;
 * duplicates are dropped, the first kept; {@code vulkan_h264} without a Vulkan decoder is dropped.
 */
public final class DecoderPreferences {
    /** Smelter's default when {@code video} (or its preference list) is absent. */
    public static final List<DecoderPreference> DEFAULT = List.of(DecoderPreference.ANY);

    private DecoderPreferences() {
    }

    /** Thrown when nothing usable is left, e.g. {@code ["vulkan_h264"]} on a machine without Vulkan Video. */
    public static final class NoUsableDecoderException extends Exception {
        public NoUsableDecoderException(String message) {
            super(message);
        }
    }

    /** The outcome: the decoders to try, in order, and the preferences that were dropped (for a warning). */
    public record Resolution(List<VideoDecoderKind> decoders, List<DecoderPreference> dropped) {
        public Resolution {
            decoders = List.copyOf(decoders);
            dropped = List.copyOf(dropped);
        }
    }

    public static Resolution resolve(List<DecoderPreference> preferences, VideoDecoderSupport support)
            throws NoUsableDecoderException {
        if (preferences.isEmpty()) {
            throw new IllegalArgumentException("decoder_preferences must not be empty");
        }
        Set<VideoDecoderKind> out = new LinkedHashSet<>();
        List<DecoderPreference> dropped = new ArrayList<>();
        for (DecoderPreference p : preferences) {
            switch (p) {
                case FFMPEG_H264 -> out.add(VideoDecoderKind.FFMPEG_H264);
                case FFMPEG_VP8 -> out.add(VideoDecoderKind.FFMPEG_VP8);
                case FFMPEG_VP9 -> out.add(VideoDecoderKind.FFMPEG_VP9);
                case FFMPEG_HEVC -> out.add(VideoDecoderKind.FFMPEG_HEVC);
                case FFMPEG_AV1 -> out.add(VideoDecoderKind.FFMPEG_AV1);
                case VULKAN_H264 -> {
                    if (support.vulkanH264()) {
                        out.add(VideoDecoderKind.VULKAN_H264);
                    } else {
                        dropped.add(p);
                    }
                }
                case ANY -> {
                    out.add(VideoDecoderKind.FFMPEG_VP9);
                    out.add(VideoDecoderKind.FFMPEG_VP8);
                    out.add(support.vulkanH264() ? VideoDecoderKind.VULKAN_H264 : VideoDecoderKind.FFMPEG_H264);
                    out.add(VideoDecoderKind.FFMPEG_HEVC);
                    out.add(VideoDecoderKind.FFMPEG_AV1);
                }
            }
        }
        if (out.isEmpty()) {
            throw new NoUsableDecoderException("no Vulkan Video decoder was found on this machine ("
                    + support.vulkanDetail() + "), so \"vulkan_h264\" cannot be used; add \"ffmpeg_h264\" or \"any\""
                    + " to video.decoder_preferences");
        }
        return new Resolution(new ArrayList<>(out), dropped);
    }
}
