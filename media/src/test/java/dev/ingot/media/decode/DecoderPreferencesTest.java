package dev.ingot.media.decode;

import static dev.ingot.media.decode.DecoderPreference.ANY;
import static dev.ingot.media.decode.DecoderPreference.FFMPEG_AV1;
import static dev.ingot.media.decode.DecoderPreference.FFMPEG_HEVC;
import static dev.ingot.media.decode.DecoderPreference.FFMPEG_H264;
import static dev.ingot.media.decode.DecoderPreference.FFMPEG_VP8;
import static dev.ingot.media.decode.DecoderPreference.VULKAN_H264;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecoderPreferencesTest {
    private static final VideoDecoderSupport NO_VULKAN = VideoDecoderSupport.withoutVulkan("test");
    private static final VideoDecoderSupport VULKAN = new VideoDecoderSupport(true, "test gpu");

    @Test
    void anyExpandsToSmeltersVp9Vp8H264ThenHevcAndAv1InPlaceAndDropsDuplicates() throws Exception {
        assertThat(DecoderPreferences.resolve(List.of(FFMPEG_H264, ANY), NO_VULKAN).decoders())
                .containsExactly(VideoDecoderKind.FFMPEG_H264, VideoDecoderKind.FFMPEG_VP9, VideoDecoderKind.FFMPEG_VP8,
                        VideoDecoderKind.FFMPEG_HEVC, VideoDecoderKind.FFMPEG_AV1);
        assertThat(DecoderPreferences.resolve(DecoderPreferences.DEFAULT, NO_VULKAN).decoders())
                .containsExactly(VideoDecoderKind.FFMPEG_VP9, VideoDecoderKind.FFMPEG_VP8, VideoDecoderKind.FFMPEG_H264,
                        VideoDecoderKind.FFMPEG_HEVC, VideoDecoderKind.FFMPEG_AV1);
        assertThat(DecoderPreferences.resolve(List.of(FFMPEG_AV1, ANY), NO_VULKAN).decoders())
                .containsExactly(VideoDecoderKind.FFMPEG_AV1, VideoDecoderKind.FFMPEG_VP9, VideoDecoderKind.FFMPEG_VP8,
                        VideoDecoderKind.FFMPEG_H264, VideoDecoderKind.FFMPEG_HEVC);
    }

    @Test
    void hevcAndAv1AreIngotsOwnNames() {
        assertThat(DecoderPreference.fromJsonName("ffmpeg_hevc")).contains(FFMPEG_HEVC);
        assertThat(DecoderPreference.fromJsonName("ffmpeg_av1")).contains(FFMPEG_AV1);
        assertThat(VideoDecoderKind.FFMPEG_HEVC.codec()).isEqualTo(VideoCodecKind.H265);
        assertThat(VideoDecoderKind.FFMPEG_AV1.jsonName()).isEqualTo("ffmpeg_av1");
    }

    @Test
    void anyPicksVulkanH264WhenAVulkanDecoderExists() throws Exception {
        assertThat(DecoderPreferences.resolve(List.of(ANY), VULKAN).decoders())
                .containsExactly(VideoDecoderKind.FFMPEG_VP9, VideoDecoderKind.FFMPEG_VP8, VideoDecoderKind.VULKAN_H264,
                        VideoDecoderKind.FFMPEG_HEVC, VideoDecoderKind.FFMPEG_AV1);
    }

    @Test
    void withoutAnyThereIsNoFallback() throws Exception {
        assertThat(DecoderPreferences.resolve(List.of(FFMPEG_VP8), NO_VULKAN).decoders())
                .containsExactly(VideoDecoderKind.FFMPEG_VP8);
    }

    @Test
    void vulkanWithoutADeviceIsDroppedAndReported() throws Exception {
        var r = DecoderPreferences.resolve(List.of(VULKAN_H264, FFMPEG_H264), NO_VULKAN);
        assertThat(r.decoders()).containsExactly(VideoDecoderKind.FFMPEG_H264);
        assertThat(r.dropped()).containsExactly(VULKAN_H264);
    }

    @Test
    void vulkanAloneWithoutADeviceFailsWithAClearMessage() {
        assertThatThrownBy(() -> DecoderPreferences.resolve(List.of(VULKAN_H264), NO_VULKAN))
                .isInstanceOf(DecoderPreferences.NoUsableDecoderException.class)
                .hasMessageContaining("no Vulkan Video decoder was found");
    }

    @Test
    void probeNeverThrowsAndAlwaysExplains() {
        VideoDecoderSupport s = VulkanVideoProbe.probe();
        assertThat(s.vulkanDetail()).isNotBlank();
    }
}
