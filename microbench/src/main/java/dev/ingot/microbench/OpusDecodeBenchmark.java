package dev.ingot.microbench;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opus decoding on one thread, the decoder alone (no resampling): Concentus, the pure-Java libopus port Ingot
 * decodes with since it needs in-band FEC, against libopus through FFmpeg (bytedeco), which Ingot used before.
 * The stream: 10 s of stereo 20 ms packets from FFmpeg's libopus encoder with FEC on (hybrid mode), at the
 * {@code bitrate} given. One invocation decodes all 500 packets; the score is packets per second, so one stream
 * (50 packets/s) costs {@code 50 / score} of a core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(OpusDecodeBenchmark.PACKETS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class OpusDecodeBenchmark {
    static final int PACKETS = 500;
    private static final int CHANNELS = 2;

    @Param({"32000", "96000"})
    public int bitrate;

    private List<byte[]> packets;
    private OpusDecoder concentus;
    private final short[] pcm = new short[5760 * CHANNELS];
    private AVCodecContext libopus;
    private AVPacket packet;
    private AVFrame frame;
    private BytePointer input;

    @Setup(Level.Trial)
    public void setUp() throws OpusException {
        packets = encode(bitrate);
        concentus = new OpusDecoder(48_000, CHANNELS);
        AVCodec codec = avcodec.avcodec_find_decoder_by_name("libopus");
        libopus = avcodec.avcodec_alloc_context3(codec);
        libopus.sample_rate(48_000).request_sample_fmt(AV_SAMPLE_FMT_FLT).thread_count(1);
        avutil.av_channel_layout_uninit(libopus.ch_layout());
        avutil.av_channel_layout_default(libopus.ch_layout(), CHANNELS);
        if (avcodec.avcodec_open2(libopus, codec, (AVDictionary) null) < 0) {
            throw new IllegalStateException("cannot open libopus");
        }
        packet = avcodec.av_packet_alloc();
        frame = avutil.av_frame_alloc();
        input = new BytePointer(4096 + avcodec.AV_INPUT_BUFFER_PADDING_SIZE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        avcodec.avcodec_free_context(libopus);
        avcodec.av_packet_free(packet);
        avutil.av_frame_free(frame);
        input.close();
    }

    @Benchmark
    public int concentus() throws OpusException {
        int samples = 0;
        for (byte[] p : packets) {
            samples += concentus.decode(p, 0, p.length, pcm, 0, 5760, false);
        }
        return samples;
    }

    @Benchmark
    public int ffmpegLibopus() {
        int samples = 0;
        for (byte[] p : packets) {
            input.position(0).put(p, 0, p.length);
            input.position(0);
            packet.data(input).size(p.length);
            avcodec.avcodec_send_packet(libopus, packet);
            while (avcodec.avcodec_receive_frame(libopus, frame) >= 0) {
                samples += frame.nb_samples();
                avutil.av_frame_unref(frame);
            }
        }
        return samples;
    }

    /** 440 Hz and 660 Hz with a little noise, stereo, libopus with FEC on and 10 % expected loss. */
    static List<byte[]> encode(int bitrate) {
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name("libopus");
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        AVDictionary options = new AVDictionary(null);
        avutil.av_dict_set(options, "fec", "1", 0);
        avutil.av_dict_set(options, "packet_loss", "10", 0);
        ctx.sample_rate(48_000).sample_fmt(AV_SAMPLE_FMT_FLT).bit_rate(bitrate)
                .time_base(new AVRational().num(1).den(48_000));
        avutil.av_channel_layout_default(ctx.ch_layout(), CHANNELS);
        if (avcodec.avcodec_open2(ctx, encoder, options) < 0) {
            throw new IllegalStateException("cannot open the libopus encoder");
        }
        AVFrame f = avutil.av_frame_alloc();
        f.nb_samples(960).format(AV_SAMPLE_FMT_FLT).sample_rate(48_000);
        avutil.av_channel_layout_default(f.ch_layout(), CHANNELS);
        avutil.av_frame_get_buffer(f, 0);
        AVPacket p = avcodec.av_packet_alloc();
        List<byte[]> out = new ArrayList<>();
        float[] buf = new float[960 * CHANNELS];
        java.util.SplittableRandom noise = new java.util.SplittableRandom(1);
        for (int i = 0; out.size() < PACKETS; i++) {
            for (int s = 0; s < 960; s++) {
                double t = (i * 960 + s) / 48_000.0;
                buf[s * 2] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * t));
                buf[s * 2 + 1] = (float) (0.3 * Math.sin(2 * Math.PI * 660 * t) + 0.05 * noise.nextDouble());
            }
            avutil.av_frame_make_writable(f);
            new FloatPointer(f.data(0)).put(buf);
            f.pts(i * 960L);
            avcodec.avcodec_send_frame(ctx, f);
            while (avcodec.avcodec_receive_packet(ctx, p) >= 0) {
                byte[] b = new byte[p.size()];
                p.data().get(b);
                out.add(b);
                avcodec.av_packet_unref(p);
            }
        }
        avcodec.av_packet_free(p);
        avutil.av_frame_free(f);
        avutil.av_dict_free(options);
        avcodec.avcodec_free_context(ctx);
        return out.subList(0, PACKETS);
    }
}
