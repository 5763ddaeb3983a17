package dev.ingot.media.decode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * Encodes {@link TestPattern} frames for tests: with the encoders in bytedeco's LGPL FFmpeg build (libopenh264,
 * libvpx, libaom), and for H.265, which that build cannot encode, with libx265 in the FFmpeg CLI that
 * {@code .ci/install-deps} installs ({@code interop/ffmpeg}, the GPL build), run as a separate process.
 */
public final class TestEncoder {
    /** One encoded access unit: its bytes, the index of the source frame, and whether it is a keyframe. */
    public record Unit(byte[] data, int frameIndex, boolean key) {
        Unit withData(byte[] replacement) {
            return new Unit(replacement, frameIndex, key);
        }
    }

    static final long FRAME_NANOS = 1_000_000_000L / 30;

    private TestEncoder() {
    }

    static boolean available(String encoderName) {
        AVCodec c = avcodec.avcodec_find_encoder_by_name(encoderName);
        return c != null && !c.isNull();
    }

    /** The encoder that produces {@code codec}: libopenh264, libvpx, libvpx-vp9, libx265 (CLI), libaom-av1. */
    static String encoderFor(VideoCodecKind codec) {
        return switch (codec) {
            case H264 -> "libopenh264";
            case VP8 -> "libvpx";
            case VP9 -> "libvpx-vp9";
            case H265 -> "libx265";
            case AV1 -> "libaom-av1";
        };
    }

    /** Encodes {@code frames} pattern frames; frame 0 and those matching {@code forceKeyframe} are keyframes. */
    public static List<Unit> encode(VideoCodecKind codec, int width, int height, int frames, IntPredicate forceKeyframe) {
        if (codec == VideoCodecKind.H265) {
            return CliHevcEncoder.encode(width, height, frames, forceKeyframe);
        }
        String name = encoderFor(codec);
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name(name);
        if (encoder == null || encoder.isNull()) {
            throw new IllegalStateException("no encoder " + name);
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        AVFrame frame = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        AVDictionary options = new AVDictionary(null);
        List<Unit> out = new ArrayList<>();
        try {
            ctx.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(new AVRational().num(1).den(30));
            ctx.framerate(new AVRational().num(30).den(1));
            ctx.bit_rate(2_000_000).gop_size(100_000).max_b_frames(0).thread_count(1);
            Map<String, String> opts = switch (codec) {
                case H264 -> Map.of("allow_skip_frames", "0");
                case VP8, VP9 -> Map.of("deadline", "realtime", "cpu-used", "8", "lag-in-frames", "0",
                        "auto-alt-ref", "0");
                case AV1 -> Map.of("usage", "realtime", "cpu-used", "8", "lag-in-frames", "0");
                case H265 -> throw new IllegalStateException("H.265 is encoded by the CLI");
            };
            opts.forEach((k, v) -> avutil.av_dict_set(options, k, v, 0));
            check(avcodec.avcodec_open2(ctx, encoder, options), "open " + name);
            frame.format(AV_PIX_FMT_YUV420P).width(width).height(height);
            check(avutil.av_frame_get_buffer(frame, 0), "frame buffer");
            for (int i = 0; i < frames; i++) {
                check(avutil.av_frame_make_writable(frame), "writable");
                TestPattern p = TestPattern.frame(width, height, i);
                fill(frame, 0, p.y, width, height);
                fill(frame, 1, p.u, (width + 1) / 2, (height + 1) / 2);
                fill(frame, 2, p.v, (width + 1) / 2, (height + 1) / 2);
                frame.pts(i);
                frame.pict_type(i == 0 || forceKeyframe.test(i) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
                check(avcodec.avcodec_send_frame(ctx, frame), "send frame " + i);
                drain(ctx, pkt, out);
            }
            check(avcodec.avcodec_send_frame(ctx, null), "flush");
            drain(ctx, pkt, out);
        } finally {
            avutil.av_dict_free(options);
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
            avcodec.avcodec_free_context(ctx);
        }
        return out;
    }

    private static void drain(AVCodecContext ctx, AVPacket pkt, List<Unit> out) {
        while (true) {
            int rc = avcodec.avcodec_receive_packet(ctx, pkt);
            if (rc == -11 || rc == avutil.AVERROR_EOF) {
                return;
            }
            check(rc, "receive packet");
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            out.add(new Unit(data, (int) pkt.pts(), (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0));
            avcodec.av_packet_unref(pkt);
        }
    }

    private static void fill(AVFrame f, int plane, byte[] src, int rowBytes, int rows) {
        BytePointer p = f.data(plane);
        int stride = f.linesize(plane);
        for (int r = 0; r < rows; r++) {
            p.position((long) r * stride).put(src, r * rowBytes, rowBytes);
        }
    }

    static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + ": " + FfmpegError.describe(rc));
        }
    }
}
