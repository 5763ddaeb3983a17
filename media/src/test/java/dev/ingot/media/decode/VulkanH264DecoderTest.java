package dev.ingot.media.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ingot.media.frame.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;

/**
 * {@code vulkan_h264} must decode on the GPU or refuse loudly. Which test runs depends on the machine: without a
 * Vulkan Video decoder (CI, most hosts) only the refusal is checked and the GPU test is skipped as an
 * assumption; on a GPU host with Vulkan Video it decodes the same round trip as the software decoder.
 */
class VulkanH264DecoderTest {
    @Test
    void withoutAVulkanDecoderOpeningVulkanH264FailsLoudly() {
        VideoDecoderSupport support = VulkanVideoProbe.probe();
        assumeFalse(support.vulkanH264(), "this machine has a Vulkan Video decoder: " + support.vulkanDetail());
        assertThat(support.vulkanDetail()).isNotBlank();
        assertThatThrownBy(() -> VideoDecoder.open(VideoDecoderKind.VULKAN_H264))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("vulkan_h264")
                .hasMessageContaining("no Vulkan Video decoder")
                .hasMessageContaining(support.vulkanDetail());
    }

    @Test
    void aVulkanDeviceThatCannotDecodeVideoNeverFallsBackToTheCpu() {
        // Runs where a Vulkan device opens but has no video decoder, e.g. Mesa's lavapipe software driver
        // (VK_ICD_FILENAMES=.../lvp_icd.x86_64.json); skipped where no Vulkan device opens at all.
        assumeFalse(VulkanVideoProbe.probe().vulkanH264(), "this machine decodes with Vulkan Video");
        AVBufferRef device = new AVBufferRef(null);
        int rc = avutil.av_hwdevice_ctx_create(device, avutil.AV_HWDEVICE_TYPE_VULKAN, (String) null, null, 0);
        assumeTrue(rc >= 0, "no Vulkan device at all here");
        avutil.av_buffer_unref(device);
        assertThat(VulkanVideoProbe.probe().vulkanDetail()).contains("a Vulkan device opened, but");
        List<byte[]> stream = VulkanVideoProbe.trialStream();
        try (VideoDecoder decoder = VideoDecoder.openUnchecked(VideoDecoderKind.VULKAN_H264)) {
            assertThatThrownBy(() -> decoder.decode(stream.get(0), stream.get(0).length, 0, VideoFrame::release))
                    .isInstanceOf(DecoderException.class)
                    .hasMessageContaining("vulkan_h264");
            assertThat(decoder.framesDecoded()).isZero();
        }
    }

    @Test
    void theProbesTrialStreamIsRealH264() {
        List<byte[]> stream = VulkanVideoProbe.trialStream();
        assertThat(Keyframes.h264HasIdr(stream.get(0), stream.get(0).length)).isTrue();
        List<String> formats = new ArrayList<>();
        try (VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_H264)) {
            for (byte[] unit : stream) {
                assertThat(decoder.decode(unit, unit.length, 0, f -> {
                    try (f) {
                        formats.add(f.width() + "x" + f.height());
                    }
                })).isEqualTo(DecodeResult.OK);
            }
        }
        assertThat(formats).containsExactly("256x144", "256x144");
    }

    @Test
    void theProbeAnswersOnceAndTheSameEveryTime() {
        assertThat(VulkanVideoProbe.probe()).isSameAs(VulkanVideoProbe.probe());
    }

    @Test
    void withAVulkanDecoderH264DecodesOnTheGpu() {
        VideoDecoderSupport support = VulkanVideoProbe.probe();
        assumeTrue(support.vulkanH264(), "no Vulkan Video decoder here (" + support.vulkanDetail()
                + "); this test runs on a GPU host");
        List<TestEncoder.Unit> units = TestEncoder.encode(VideoCodecKind.H264, 320, 240, 30, i -> i == 20);
        try (VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.VULKAN_H264)) {
            assertThat(decoder.decoderName()).contains("Vulkan");
            for (TestEncoder.Unit u : units) {
                VideoDecoderTest.Step step = VideoDecoderTest.feed(decoder, u, u.data());
                VideoDecoderTest.assertFaithful(step);
                // FFmpeg's software h264 decoder gives yuv420p; NV12 proves the picture came down from the GPU.
                assertThat(step.frames().get(0).pixelFormat()).isEqualTo("nv12");
            }
            assertThat(decoder.framesDecoded()).isEqualTo(30);
        }
    }
}
