package dev.ingot.media.decode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.ingot.media.frame.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecHWConfig;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * Finds out, through FFmpeg itself, whether H264 can be decoded with Vulkan Video here: the h264 decoder must
 * offer a Vulkan hwaccel, FFmpeg must open a Vulkan device, and a short H264 stream (made on the spot with
 * libopenh264) must really decode on that device. Opening a device is not enough: a software Vulkan driver
 * (lavapipe) or a GPU without video queues opens fine and cannot decode. Never throws: any failure means "no
 * Vulkan", with the reason. The answer is computed once per process.
 *
 * <p>Configuration: {@code -Dingot.vulkan.disable=true} or {@code INGOT_VULKAN=0} turns Vulkan off;
 * {@code -Dingot.vulkan.device=...} or {@code INGOT_VULKAN_DEVICE} names FFmpeg's Vulkan device (an index such
 * as {@code 1}, or part of the device name), for machines with several.
 */
public final class VulkanVideoProbe {
    private static final int TRIAL_WIDTH = 256;
    private static final int TRIAL_HEIGHT = 144;

    private VulkanVideoProbe() {
    }

    private static final class Once {
        static final VideoDecoderSupport RESULT = probeNow();
    }

    /** The probe's answer, computed on the first call (it opens the GPU, so allow a second or so). */
    public static VideoDecoderSupport probe() {
        return Once.RESULT;
    }

    /** The Vulkan device FFmpeg should open, or null for its default. */
    static String deviceName() {
        String property = System.getProperty("ingot.vulkan.device");
        if (property != null && !property.isBlank()) {
            return property.strip();
        }
        String env = System.getenv("INGOT_VULKAN_DEVICE");
        return env == null || env.isBlank() ? null : env.strip();
    }

    /** Whether the Vulkan loader library is where the dynamic linker would find it. */
    static boolean vulkanLoaderInstalled() {
        java.util.List<String> dirs = new java.util.ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(java.util.Arrays.asList(ld.split(":")));
        }
        dirs.addAll(java.util.List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64",
                "/usr/lib", "/lib", "/usr/local/lib", "/usr/lib/aarch64-linux-gnu"));
        for (String d : dirs) {
            if (!d.isEmpty() && java.nio.file.Files.exists(java.nio.file.Path.of(d, "libvulkan.so.1"))) {
                return true;
            }
        }
        try {
            Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return out.contains("libvulkan.so.1");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static VideoDecoderSupport probeNow() {
        if (Boolean.getBoolean("ingot.vulkan.disable") || "0".equals(System.getenv("INGOT_VULKAN"))) {
            return VideoDecoderSupport.withoutVulkan("Vulkan probing disabled by configuration");
        }
        if (!vulkanLoaderInstalled()) {
            // FFmpeg reaches Vulkan through the system's loader (libvulkan.so.1): without it there is nothing to
            // probe, and loading FFmpeg just to find that out would slow start-up
            return VideoDecoderSupport.withoutVulkan("no Vulkan loader (libvulkan.so.1) is installed");
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
            try {
                AVBufferRef device = new AVBufferRef(null);
                int rc = avutil.av_hwdevice_ctx_create(device, avutil.AV_HWDEVICE_TYPE_VULKAN, deviceName(), null, 0);
                if (rc < 0) {
                    return VideoDecoderSupport.withoutVulkan("FFmpeg found no usable Vulkan device ("
                            + FfmpegError.describe(rc) + ")");
                }
                avutil.av_buffer_unref(device);
                return trialDecode();
            } finally {
                avutil.av_log_set_level(previousLevel);
            }
        } catch (Throwable t) {
            return VideoDecoderSupport.withoutVulkan("FFmpeg could not be loaded: " + t);
        }
    }

    /** Decodes a two-frame H264 stream on the Vulkan device; true only if pictures come back from the GPU. */
    private static VideoDecoderSupport trialDecode() {
        List<byte[]> stream;
        try {
            stream = trialStream();
        } catch (RuntimeException e) {
            return VideoDecoderSupport.withoutVulkan("a Vulkan device opened, but no H264 test stream could be made "
                    + "to check that it decodes (" + e.getMessage() + ")");
        }
        List<String> formats = new ArrayList<>();
        try (VideoDecoder decoder = VideoDecoder.openUnchecked(VideoDecoderKind.VULKAN_H264)) {
            long pts = 0;
            for (byte[] unit : stream) {
                DecodeResult r = decoder.decode(unit, unit.length, pts++, f -> {
                    try (VideoFrame frame = f) {
                        formats.add(frame.pixelFormat() + " " + frame.width() + "x" + frame.height());
                    }
                });
                if (r != DecodeResult.OK) {
                    return VideoDecoderSupport.withoutVulkan("a Vulkan device opened, but it failed to decode an "
                            + "H264 test stream: " + decoder.lastError());
                }
            }
            if (formats.isEmpty()) {
                return VideoDecoderSupport.withoutVulkan("a Vulkan device opened, but decoding an H264 test "
                        + "stream on it gave no pictures");
            }
            return new VideoDecoderSupport(true, "Vulkan Video decoded an H264 test stream ("
                    + formats.get(0) + ")" + (deviceName() == null ? "" : " on device " + deviceName()));
        } catch (RuntimeException e) {
            return VideoDecoderSupport.withoutVulkan("a Vulkan device opened, but it cannot decode H264: "
                    + e.getMessage());
        }
    }

    /** Two frames (an IDR and a P frame) of a gradient, constrained baseline, from libopenh264. */
    static List<byte[]> trialStream() {
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name("libopenh264");
        if (encoder == null || encoder.isNull()) {
            throw new IllegalStateException("no libopenh264 encoder");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        AVFrame frame = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        List<byte[]> units = new ArrayList<>();
        try {
            ctx.width(TRIAL_WIDTH).height(TRIAL_HEIGHT).pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(new AVRational().num(1).den(30)).bit_rate(500_000).gop_size(1000).max_b_frames(0);
            ctx.thread_count(1);
            check(avcodec.avcodec_open2(ctx, encoder, (AVDictionary) null), "open libopenh264");
            frame.format(AV_PIX_FMT_YUV420P).width(TRIAL_WIDTH).height(TRIAL_HEIGHT);
            check(avutil.av_frame_get_buffer(frame, 0), "frame buffer");
            for (int n = 0; n < 2; n++) {
                check(avutil.av_frame_make_writable(frame), "writable frame");
                for (int plane = 0; plane < 3; plane++) {
                    int w = plane == 0 ? TRIAL_WIDTH : TRIAL_WIDTH / 2;
                    int h = plane == 0 ? TRIAL_HEIGHT : TRIAL_HEIGHT / 2;
                    byte[] row = new byte[w];
                    BytePointer p = frame.data(plane);
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            row[x] = (byte) (plane == 0 ? 16 + ((x + y + 4 * n) % 200) : 128);
                        }
                        p.position((long) y * frame.linesize(plane)).put(row, 0, w);
                    }
                }
                frame.pts(n).pict_type(n == 0 ? AV_PICTURE_TYPE_I : avutil.AV_PICTURE_TYPE_NONE);
                check(avcodec.avcodec_send_frame(ctx, frame), "encode");
                receive(ctx, pkt, units);
            }
            check(avcodec.avcodec_send_frame(ctx, null), "flush encoder");
            receive(ctx, pkt, units);
        } finally {
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
            avcodec.avcodec_free_context(ctx);
        }
        if (units.isEmpty()) {
            throw new IllegalStateException("libopenh264 produced nothing");
        }
        return units;
    }

    private static void receive(AVCodecContext ctx, AVPacket pkt, List<byte[]> units) {
        while (avcodec.avcodec_receive_packet(ctx, pkt) >= 0) {
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            units.add(data);
            avcodec.av_packet_unref(pkt);
        }
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + ": " + FfmpegError.describe(rc));
        }
    }
}
