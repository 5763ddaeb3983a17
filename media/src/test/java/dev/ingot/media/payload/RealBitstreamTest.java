package dev.ingot.media.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real encoder output (libvpx, libopenh264 from the bundled FFmpeg) packetized the way a sender does, through
 * the depacketizers, and back into FFmpeg's decoders: the frames and keyframe flags must survive intact.
 */
class RealBitstreamTest {
    private static final int FRAMES = 24;
    private static final int MTU_PAYLOAD = 300;

    private record Encoded(byte[] data, boolean key) {
    }

    @Test
    void vp8FromLibvpxSurvivesPacketization() {
        List<Encoded> encoded = encode("libvpx");
        List<RtpMedia> packets = new ArrayList<>();
        int seq = 0;
        for (int f = 0; f < encoded.size(); f++) {
            byte[] data = encoded.get(f).data();
            for (int at = 0; at < data.length; at += MTU_PAYLOAD) {
                int end = Math.min(data.length, at + MTU_PAYLOAD);
                // X=1, S on the first, PID 0; I=1 with a 15-bit picture id
                byte[] descriptor = Rtp.bytes(0x80 | (at == 0 ? 0x10 : 0), 0x80, 0x80 | (f >> 8), f);
                packets.add(Rtp.packet(seq++, f * 3000L, end == data.length,
                        Rtp.concat(descriptor, Rtp.slice(data, at, end))));
            }
        }
        checkRoundTrip(new Vp8Depacketizer(), packets, encoded, "vp8");
    }

    @Test
    void vp9FromLibvpxSurvivesPacketization() {
        List<Encoded> encoded = encode("libvpx-vp9");
        List<RtpMedia> packets = new ArrayList<>();
        int seq = 0;
        for (int f = 0; f < encoded.size(); f++) {
            Encoded e = encoded.get(f);
            byte[] data = e.data();
            for (int at = 0; at < data.length; at += MTU_PAYLOAD) {
                int end = Math.min(data.length, at + MTU_PAYLOAD);
                int b0 = 0x80 | (e.key() ? 0 : 0x40) | (at == 0 ? 0x08 : 0) | (end == data.length ? 0x04 : 0);
                byte[] descriptor = Rtp.bytes(b0, 0x80 | (f >> 8), f);
                packets.add(Rtp.packet(seq++, f * 3000L, end == data.length,
                        Rtp.concat(descriptor, Rtp.slice(data, at, end))));
            }
        }
        checkRoundTrip(new Vp9Depacketizer(), packets, encoded, "vp9");
    }

    @Test
    void h264FromOpenh264SurvivesPacketization() {
        h264RoundTrip(false);
    }

    /** The parameter sets go out of band (as sprop-parameter-sets) and are put back in front of each IDR. */
    @Test
    void h264WithOutOfBandParameterSetsDecodes() {
        h264RoundTrip(true);
    }

    private static void h264RoundTrip(boolean outOfBand) {
        List<Encoded> encoded = encode("libopenh264");
        List<byte[]> parameterSets = new ArrayList<>();
        List<RtpMedia> packets = new ArrayList<>();
        int seq = 0;
        List<Encoded> expected = new ArrayList<>();
        for (int f = 0; f < encoded.size(); f++) {
            List<byte[]> nals = splitAnnexB(encoded.get(f).data());
            if (outOfBand) {
                for (byte[] nal : nals) {
                    int type = nal[0] & 0x1F;
                    if ((type == 7 || type == 8) && parameterSets.size() < 2) {
                        parameterSets.add(nal);
                    }
                }
                nals.removeIf(nal -> (nal[0] & 0x1F) == 7 || (nal[0] & 0x1F) == 8);
            }
            List<byte[]> payloads = new ArrayList<>();
            for (byte[] nal : nals) {
                if (nal.length <= MTU_PAYLOAD) {
                    payloads.add(nal);
                    continue;
                }
                for (int at = 1; at < nal.length; at += MTU_PAYLOAD) {
                    int end = Math.min(nal.length, at + MTU_PAYLOAD);
                    int header = (nal[0] & 0x1F) | (at == 1 ? 0x80 : 0) | (end == nal.length ? 0x40 : 0);
                    payloads.add(Rtp.concat(Rtp.bytes((nal[0] & 0xE0) | 28, header), Rtp.slice(nal, at, end)));
                }
            }
            for (int i = 0; i < payloads.size(); i++) {
                packets.add(Rtp.packet(seq++, f * 3000L, i == payloads.size() - 1, payloads.get(i)));
            }
            byte[] au = Rtp.annexB(nals.toArray(byte[][]::new));
            if (outOfBand && encoded.get(f).key()) {
                au = Rtp.concat(Rtp.annexB(parameterSets.toArray(byte[][]::new)), au);
            }
            expected.add(new Encoded(au, encoded.get(f).key()));
        }
        if (outOfBand) {
            assertThat(parameterSets).hasSize(2);
        }
        checkRoundTrip(new H264Depacketizer(parameterSets), packets, expected, "h264");
    }

    private static void checkRoundTrip(Depacketizer d, List<RtpMedia> packets, List<Encoded> expected,
                                       String decoder) {
        List<EncodedFrame> frames = new ArrayList<>();
        for (RtpMedia p : packets) {
            d.push(p, frames::add);
        }
        assertThat(frames).hasSameSizeAs(expected);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).data()).as("frame %d", i).isEqualTo(expected.get(i).data());
            assertThat(frames.get(i).keyframe()).as("frame %d keyframe", i).isEqualTo(expected.get(i).key());
        }
        assertThat(frames.get(0).keyframe()).isTrue();
        assertThat(frames).filteredOn(EncodedFrame::keyframe).hasSizeGreaterThan(1);
        assertThat(decode(decoder, frames)).isEqualTo(FRAMES);
    }

    /** NAL units of an Annex B stream (3- or 4-byte start codes), without the start codes. */
    private static List<byte[]> splitAnnexB(byte[] b) {
        List<Integer> starts = new ArrayList<>();
        List<Integer> codeStarts = new ArrayList<>();
        for (int i = 0; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                codeStarts.add(i > 0 && b[i - 1] == 0 ? i - 1 : i);
                starts.add(i + 3);
                i += 2;
            }
        }
        List<byte[]> nals = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            int end = k + 1 < starts.size() ? codeStarts.get(k + 1) : b.length;
            nals.add(Rtp.slice(b, starts.get(k), end));
        }
        return nals;
    }

    private static List<Encoded> encode(String encoderName) {
        AVCodec codec;
        try {
            codec = avcodec_find_encoder_by_name(encoderName);
        } catch (Throwable noNatives) {
            Assumptions.abort("FFmpeg natives not loadable here: " + noNatives);
            return List.of();
        }
        Assumptions.assumeTrue(codec != null && !codec.isNull(), encoderName + " not in this FFmpeg build");
        AVCodecContext c = avcodec_alloc_context3(codec);
        c.width(160);
        c.height(96);
        c.pix_fmt(AV_PIX_FMT_YUV420P);
        c.time_base(av_make_q(1, 30));
        c.framerate(av_make_q(30, 1));
        c.gop_size(10);
        c.max_b_frames(0);
        c.bit_rate(300_000);
        c.thread_count(1);
        assertThat(avcodec_open2(c, codec, (AVDictionary) null)).isZero();
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P);
        frame.width(160);
        frame.height(96);
        assertThat(av_frame_get_buffer(frame, 0)).isZero();
        AVPacket pkt = av_packet_alloc();
        List<Encoded> out = new ArrayList<>();
        for (int i = 0; i <= FRAMES; i++) {
            if (i < FRAMES) {
                av_frame_make_writable(frame);
                for (int plane = 0; plane < 3; plane++) {
                    int w = plane == 0 ? 160 : 80;
                    int h = plane == 0 ? 96 : 48;
                    BytePointer data = frame.data(plane);
                    int stride = frame.linesize(plane);
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            data.put((long) y * stride + x, (byte) (x * 3 + y * 2 + i * 5 + plane * 40));
                        }
                    }
                }
                frame.pts(i);
                assertThat(avcodec_send_frame(c, frame)).isZero();
            } else {
                avcodec_send_frame(c, null);
            }
            while (avcodec_receive_packet(c, pkt) == 0) {
                byte[] bytes = new byte[pkt.size()];
                pkt.data().get(bytes);
                out.add(new Encoded(bytes, (pkt.flags() & AV_PKT_FLAG_KEY) != 0));
                av_packet_unref(pkt);
            }
        }
        av_packet_free(pkt);
        av_frame_free(frame);
        avcodec_free_context(c);
        return out;
    }

    /** Decodes the frames; returns how many pictures came out. */
    private static int decode(String decoderName, List<EncodedFrame> frames) {
        AVCodec codec = avcodec_find_decoder_by_name(decoderName);
        AVCodecContext c = avcodec_alloc_context3(codec);
        c.thread_count(1);
        assertThat(avcodec_open2(c, codec, (AVDictionary) null)).isZero();
        AVPacket pkt = av_packet_alloc();
        AVFrame picture = av_frame_alloc();
        int pictures = 0;
        for (int i = 0; i <= frames.size(); i++) {
            if (i < frames.size()) {
                byte[] data = frames.get(i).data();
                BytePointer bytes = new BytePointer(data.length + 64);
                bytes.put(data, 0, data.length);
                pkt.data(bytes);
                pkt.size(data.length);
                assertThat(avcodec_send_packet(c, pkt)).as("send frame %d", i).isZero();
                bytes.close();
            } else {
                avcodec_send_packet(c, null);
            }
            while (avcodec_receive_frame(c, picture) == 0) {
                pictures++;
            }
        }
        av_frame_free(picture);
        pkt.data(null);
        av_packet_free(pkt);
        avcodec_free_context(c);
        return pictures;
    }
}
