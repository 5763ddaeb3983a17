package dev.ingot.media.decode;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecHWConfig;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Finds out, through FFmpeg itself, whether H264 can be decoded with Vulkan Video here: the h264 decoder must
 * offer a Vulkan hwaccel and FFmpeg must be able to open a Vulkan device. Never throws: any failure means
 * "no Vulkan", with the reason.
 */
public final class VulkanVideoProbe {
    private VulkanVideoProbe() {
    }

    public static VideoDecoderSupport probe() {
        if (Boolean.getBoolean("ingot.vulkan.disable") || "0".equals(System.getenv("INGOT_VULKAN"))) {
            return VideoDecoderSupport.withoutVulkan("Vulkan probing disabled by configuration");
        }
        try {
            AVCodec h264 = avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_H264);
            if (h264 == null || h264.isNull()) {
                return VideoDecoderSupport.withoutVulkan("FFmpeg has no h264 decoder");
            }
            boolean hasVulkanConfig = false;
            for (int i = 0; ; i++) {
                AVCodecHWConfig cfg = avcodec.avcodec_get_hw_config(h264, i);
                if (cfg == null || cfg.isNull()) {
                    break;
                }
                if (cfg.device_type() == avutil.AV_HWDEVICE_TYPE_VULKAN) {
                    hasVulkanConfig = true;
                }
            }
            if (!hasVulkanConfig) {
                return VideoDecoderSupport.withoutVulkan("this FFmpeg build has no Vulkan hwaccel for h264");
            }
            int previousLevel = avutil.av_log_get_level();
            avutil.av_log_set_level(avutil.AV_LOG_QUIET);
            AVBufferRef device = new AVBufferRef(null);
            int rc;
            try {
                rc = avutil.av_hwdevice_ctx_create(device, avutil.AV_HWDEVICE_TYPE_VULKAN, (String) null, null, 0);
            } finally {
                avutil.av_log_set_level(previousLevel);
            }
            if (rc < 0) {
                return VideoDecoderSupport.withoutVulkan("FFmpeg found no usable Vulkan device (error " + rc + ")");
            }
            avutil.av_buffer_unref(device);
            return new VideoDecoderSupport(true, "FFmpeg Vulkan Video device opened");
        } catch (Throwable t) {
            return VideoDecoderSupport.withoutVulkan("FFmpeg could not be loaded: " + t);
        }
    }
}
