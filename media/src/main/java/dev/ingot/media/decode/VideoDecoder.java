package dev.ingot.media.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_VULKAN;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_VULKAN;

import dev.ingot.media.frame.RgbaConverter;
import dev.ingot.media.frame.VideoFrame;
import java.util.Objects;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecHWConfig;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Decodes one input's video access units (H264 and H265 in Annex B form, VP8 or VP9 frames, AV1 temporal units,
 * as the depacketizers of RFC 6184 / RFC 7741 / RFC 9628 / RFC 7798 / the AV1 payload format assemble them)
 * with FFmpeg into {@link VideoFrame}s: FFmpeg's h264, vp8, vp9 and hevc decoders, and libaom for AV1.
 *
 * <p><b>Threading.</b> Not thread-safe: an instance is confined to the one dedicated platform thread that runs
 * this input's decoding (native calls block, so not a virtual thread). FFmpeg runs single-threaded inside it
 * ({@code thread_count = 1}), the most CPU-efficient setting with many streams. The frames it emits may go to
 * any thread and may outlive the decoder.
 *
 * <p><b>Errors.</b> Bad data never throws: the decoder flushes, waits for the next keyframe and answers
 * {@link DecodeResult#NEEDS_KEYFRAME} until it arrives, so the caller can send a PLI. The one exception is
 * {@link VideoDecoderKind#VULKAN_H264}: if the GPU path fails (no Vulkan format offered for the stream, a
 * Vulkan error, a failed download), {@link #decode} throws {@link DecoderException}; it never decodes on the
 * CPU under that name.
 *
 * <p><b>Per-frame cost.</b> The packet, the receive frame and the input buffer are reused; each decoded picture
 * costs one small {@code AVFrame} shell and the {@code VideoFrame} object, its planes coming from FFmpeg's pool.
 */
public final class VideoDecoder implements AutoCloseable {
    /** An access unit larger than this is treated as corrupt (a 4K keyframe is a few hundred KB). */
    static final int MAX_ACCESS_UNIT_BYTES = 8 << 20;
    /** libaom (BSD-2-Clause) is the AV1 decoder bytedeco's LGPL FFmpeg build carries; it has no dav1d. */
    static final String AV1_SOFTWARE_DECODER = "libaom-av1";
    private static final int AV_FRAME_FLAG_CORRUPT = 1;

    private final VideoDecoderKind kind;
    private final String decoderName;
    private AVCodecContext context;
    private AVPacket packet;
    private AVFrame received;
    private BytePointer input;
    private int inputCapacity;
    private final RgbaConverter converter = new RgbaConverter();
    private final VulkanFormatChooser vulkanFormats;
    private boolean awaitingKeyframe = true;
    private boolean closed;

    private long accessUnits;
    private long framesDecoded;
    private long errors;
    private long droppedWaitingForKeyframe;
    private String lastError = "";

    private VideoDecoder(VideoDecoderKind kind, String decoderName, AVCodecContext context,
            VulkanFormatChooser vulkanFormats) {
        this.kind = kind;
        this.decoderName = decoderName;
        this.context = context;
        this.vulkanFormats = vulkanFormats;
        this.packet = avcodec.av_packet_alloc();
        this.received = avutil.av_frame_alloc();
        if (packet == null || packet.isNull() || received == null || received.isNull()) {
            close();
            throw new DecoderException("FFmpeg could not allocate a packet or frame");
        }
        ensureInputCapacity(64 * 1024);
    }

    /**
     * Opens a decoder of the given kind.
     *
     * @throws DecoderException if FFmpeg lacks the decoder, or, for {@code VULKAN_H264}, when
     *                          {@link VulkanVideoProbe#probe()} found no working Vulkan Video decoder here
     */
    public static VideoDecoder open(VideoDecoderKind kind) {
        if (kind == VideoDecoderKind.VULKAN_H264) {
            VideoDecoderSupport support = VulkanVideoProbe.probe();
            if (!support.vulkanH264()) {
                throw new DecoderException("vulkan_h264: no Vulkan Video decoder on this machine: "
                        + support.vulkanDetail());
            }
        }
        return openUnchecked(kind);
    }

    /** {@link #open} without consulting the probe (the probe itself uses this). */
    static VideoDecoder openUnchecked(VideoDecoderKind kind) {
        AVCodec codec;
        try {
            codec = switch (kind.codec()) {
                case H264 -> avcodec.avcodec_find_decoder(AV_CODEC_ID_H264);
                case VP8 -> avcodec.avcodec_find_decoder(AV_CODEC_ID_VP8);
                case VP9 -> avcodec.avcodec_find_decoder(AV_CODEC_ID_VP9);
                case H265 -> avcodec.avcodec_find_decoder(AV_CODEC_ID_HEVC);
                // FFmpeg's own av1 decoder only drives hardware; libaom is the software decoder this build has
                case AV1 -> avcodec.avcodec_find_decoder_by_name(AV1_SOFTWARE_DECODER);
            };
        } catch (Throwable t) {
            throw new DecoderException("FFmpeg could not be loaded: " + t, t);
        }
        if (codec == null || codec.isNull()) {
            throw new DecoderException("this FFmpeg build has no " + kind.codec() + " decoder");
        }
        boolean vulkan = kind == VideoDecoderKind.VULKAN_H264;
        if (vulkan && !hasVulkanHwaccel(codec)) {
            throw new DecoderException("vulkan_h264: this FFmpeg build has no Vulkan Video hwaccel for H264");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        if (ctx == null || ctx.isNull()) {
            throw new DecoderException("FFmpeg could not allocate a decoder context");
        }
        VulkanFormatChooser chooser = null;
        try {
            ctx.thread_count(1);
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_LOW_DELAY);
            if (vulkan) {
                AVBufferRef device = new AVBufferRef(null);
                int rc = avutil.av_hwdevice_ctx_create(device, AV_HWDEVICE_TYPE_VULKAN,
                        VulkanVideoProbe.deviceName(), null, 0);
                if (rc < 0) {
                    throw new DecoderException("vulkan_h264: FFmpeg could not open a Vulkan device: "
                            + FfmpegError.describe(rc) + "; no Vulkan Video decoder on this machine");
                }
                ctx.hw_device_ctx(device); // the context now holds this reference and unrefs it when freed
                chooser = new VulkanFormatChooser();
                ctx.get_format(chooser);
            }
            int rc = avcodec.avcodec_open2(ctx, codec, (AVDictionary) null);
            if (rc < 0) {
                throw new DecoderException(kind.jsonName() + ": avcodec_open2 failed: " + FfmpegError.describe(rc));
            }
            String name = codec.name().getString() + (vulkan ? " (Vulkan Video)" : "");
            return new VideoDecoder(kind, name, ctx, chooser);
        } catch (RuntimeException | Error e) {
            avcodec.avcodec_free_context(ctx);
            if (chooser != null) {
                chooser.close();
            }
            throw e;
        }
    }

    private static boolean hasVulkanHwaccel(AVCodec codec) {
        for (int i = 0; ; i++) {
            AVCodecHWConfig cfg = avcodec.avcodec_get_hw_config(codec, i);
            if (cfg == null || cfg.isNull()) {
                return false;
            }
            if (cfg.device_type() == AV_HWDEVICE_TYPE_VULKAN && cfg.pix_fmt() == AV_PIX_FMT_VULKAN
                    && (cfg.methods() & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) != 0) {
                return true;
            }
        }
    }

    /**
     * Decodes one complete access unit ({@code accessUnit[0..len)}), handing every picture it completes to
     * {@code out}, which then owns it (see {@link VideoFrame}: release it when done). The bytes are copied;
     * the array may be reused as soon as this returns.
     *
     * @param ptsNanos presentation time carried to the frames this access unit produces
     * @return {@link DecodeResult#OK}, or {@link DecodeResult#NEEDS_KEYFRAME} if it was dropped or failed
     * @throws DecoderException only for {@code VULKAN_H264} when the GPU path fails
     */
    public DecodeResult decode(byte[] accessUnit, int len, long ptsNanos, Consumer<VideoFrame> out) {
        checkOpen();
        Objects.checkFromIndexSize(0, len, accessUnit.length);
        accessUnits++;
        if (len == 0 || len > MAX_ACCESS_UNIT_BYTES) {
            return fail("access unit of " + len + " bytes");
        }
        if (awaitingKeyframe) {
            if (!Keyframes.isKeyframe(kind.codec(), accessUnit, len)) {
                droppedWaitingForKeyframe++;
                return DecodeResult.NEEDS_KEYFRAME;
            }
            awaitingKeyframe = false;
        }
        ensureInputCapacity(len);
        input.position(0).put(accessUnit, 0, len);
        Pointer.memset(input.position(len), 0, AV_INPUT_BUFFER_PADDING_SIZE);
        input.position(0);
        packet.data(input).size(len).pts(ptsNanos).dts(AV_NOPTS_VALUE).flags(0);

        int rc = avcodec.avcodec_send_packet(context, packet);
        if (rc == FfmpegError.EAGAIN) { // cannot happen with one drain per packet, but never lose the packet
            DecodeResult drained = drain(ptsNanos, out);
            if (drained != DecodeResult.OK) {
                return drained;
            }
            rc = avcodec.avcodec_send_packet(context, packet);
        }
        if (rc < 0) {
            checkHardware(rc);
            return fail("send: " + FfmpegError.describe(rc));
        }
        return drain(ptsNanos, out);
    }

    private DecodeResult drain(long ptsNanos, Consumer<VideoFrame> out) {
        while (true) {
            int rc = avcodec.avcodec_receive_frame(context, received);
            if (rc == FfmpegError.EAGAIN || rc == FfmpegError.EOF) {
                return DecodeResult.OK;
            }
            if (rc < 0) {
                checkHardware(rc);
                return fail("receive: " + FfmpegError.describe(rc));
            }
            if ((received.flags() & AV_FRAME_FLAG_CORRUPT) != 0 || received.decode_error_flags() != 0) {
                avutil.av_frame_unref(received);
                return fail("decoded picture is corrupt (error flags " + received.decode_error_flags() + ")");
            }
            AVFrame picture = avutil.av_frame_alloc();
            if (picture == null || picture.isNull()) {
                avutil.av_frame_unref(received);
                return fail("av_frame_alloc failed");
            }
            if (vulkanFormats != null) {
                download(picture);
            } else {
                avutil.av_frame_move_ref(picture, received);
            }
            long pts = picture.pts() == AV_NOPTS_VALUE ? ptsNanos : picture.pts();
            framesDecoded++;
            out.accept(VideoFrame.adopt(picture, pts, converter));
        }
    }

    /** Vulkan: the picture lives in GPU memory; copy it to system memory (NV12), and never accept a CPU frame. */
    private void download(AVFrame picture) {
        try {
            if (received.format() != AV_PIX_FMT_VULKAN) {
                throw new DecoderException("vulkan_h264: FFmpeg returned a " + formatName(received.format())
                        + " frame instead of a Vulkan one; hardware decoding is not active");
            }
            int rc = avutil.av_hwframe_transfer_data(picture, received, 0);
            if (rc < 0) {
                throw new DecoderException("vulkan_h264: downloading a decoded picture from the GPU failed: "
                        + FfmpegError.describe(rc));
            }
            avutil.av_frame_copy_props(picture, received);
        } catch (DecoderException e) {
            avutil.av_frame_free(picture);
            throw e;
        } finally {
            avutil.av_frame_unref(received);
        }
    }

    private void checkHardware(int rc) {
        if (vulkanFormats == null) {
            return;
        }
        String refusal = vulkanFormats.refusal;
        if (refusal != null) {
            throw new DecoderException("vulkan_h264: Vulkan Video cannot decode this stream: " + refusal);
        }
        if (rc == AVERROR_EXTERNAL) {
            throw new DecoderException("vulkan_h264: the Vulkan decoder failed: " + FfmpegError.describe(rc));
        }
    }

    private DecodeResult fail(String why) {
        errors++;
        lastError = why;
        dropUntilKeyframe();
        return DecodeResult.NEEDS_KEYFRAME;
    }

    /**
     * Forgets all reference pictures and drops access units until the next keyframe: for the caller when data
     * was lost for good (an RTP gap neither NACK nor the jitter buffer could fill), since decoding past a lost
     * reference would show corrupted pictures.
     */
    public void dropUntilKeyframe() {
        checkOpen();
        avcodec.avcodec_flush_buffers(context);
        awaitingKeyframe = true;
    }

    /** Whether access units are being dropped until a keyframe arrives. */
    public boolean awaitingKeyframe() {
        return awaitingKeyframe;
    }

    public VideoDecoderKind kind() {
        return kind;
    }

    /** FFmpeg's decoder name, e.g. {@code h264}, {@code vp8}, {@code h264 (Vulkan Video)}. */
    public String decoderName() {
        return decoderName;
    }

    public long accessUnits() {
        return accessUnits;
    }

    public long framesDecoded() {
        return framesDecoded;
    }

    /** Access units that failed to decode (each one sent the decoder back to waiting for a keyframe). */
    public long errors() {
        return errors;
    }

    public long droppedWaitingForKeyframe() {
        return droppedWaitingForKeyframe;
    }

    /** The last decoding error, or an empty string. */
    public String lastError() {
        return lastError;
    }

    /** Frees the decoder's native state. Frames already emitted stay valid. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (context != null) {
            avcodec.avcodec_free_context(context);
            context = null;
        }
        if (packet != null) {
            avcodec.av_packet_free(packet);
            packet = null;
        }
        if (received != null) {
            avutil.av_frame_free(received);
            received = null;
        }
        if (input != null) {
            input.close();
            input = null;
        }
        if (vulkanFormats != null) {
            vulkanFormats.close();
        }
        converter.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("video decoder is closed");
        }
    }

    private void ensureInputCapacity(int len) {
        if (len <= inputCapacity) {
            return;
        }
        int capacity = Math.max(len, Math.min(MAX_ACCESS_UNIT_BYTES, inputCapacity * 2));
        if (input != null) {
            input.close();
        }
        input = new BytePointer((long) capacity + AV_INPUT_BUFFER_PADDING_SIZE);
        inputCapacity = capacity;
    }

    static String formatName(int pixelFormat) {
        BytePointer name = avutil.av_get_pix_fmt_name(pixelFormat);
        return name == null || name.isNull() ? "format " + pixelFormat : name.getString();
    }

    /**
     * FFmpeg's {@code get_format} callback for {@code VULKAN_H264}: picks {@code AV_PIX_FMT_VULKAN} and nothing
     * else, so that FFmpeg can never fall back to its software decoder (it would pick the first software format
     * if left to its default). A refusal is remembered and turned into a {@link DecoderException} on the
     * decoding thread (an exception cannot cross the native frames of the callback).
     */
    private static final class VulkanFormatChooser extends AVCodecContext.Get_format_AVCodecContext_IntPointer {
        volatile String refusal;

        @Override
        public int call(AVCodecContext ctx, IntPointer formats) {
            try {
                StringBuilder offered = new StringBuilder();
                for (int i = 0; i < 128; i++) {
                    int f = formats.get(i);
                    if (f == AV_PIX_FMT_NONE) {
                        break;
                    }
                    if (f == AV_PIX_FMT_VULKAN) {
                        return f;
                    }
                    offered.append(offered.isEmpty() ? "" : ", ").append(formatName(f));
                }
                refusal = "FFmpeg offered only [" + offered + "] for this stream (profile "
                        + ctx.profile() + ", level " + ctx.level() + ", " + ctx.coded_width() + "x"
                        + ctx.coded_height() + "): the GPU's Vulkan Video decoder does not accept it";
            } catch (Throwable t) {
                refusal = "get_format failed: " + t;
            }
            return AV_PIX_FMT_NONE;
        }
    }
}
