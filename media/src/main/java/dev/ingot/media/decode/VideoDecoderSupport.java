package dev.ingot.media.decode;

/**
 * What this machine can decode, found once at start-up.
 *
 * @param vulkanH264   whether FFmpeg's Vulkan Video hwaccel can decode H264 on a real device here
 * @param vulkanDetail a human-readable reason or device name, shown in /status and in errors
 */
public record VideoDecoderSupport(boolean vulkanH264, String vulkanDetail) {
    public static VideoDecoderSupport withoutVulkan(String why) {
        return new VideoDecoderSupport(false, why);
    }
}
