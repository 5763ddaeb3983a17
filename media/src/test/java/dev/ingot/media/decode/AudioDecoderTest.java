package dev.ingot.media.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;

import dev.ingot.media.frame.AudioBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opus round trips through libopus, encoded while the test runs: tones must come out at their frequency. */
class AudioDecoderTest {
    private static final double LEFT_HZ = 440;
    private static final double RIGHT_HZ = 660;
    private static final long PACKET_NANOS = 20_000_000L;

    /** Encodes {@code seconds} of a 440 Hz tone (left) and 660 Hz (right, if stereo) at 48 kHz into 20 ms packets. */
    static List<byte[]> encodeTone(int channels, double seconds) {
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name("libopus");
        assertThat(encoder).isNotNull();
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        AVFrame frame = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        List<byte[]> packets = new ArrayList<>();
        try {
            ctx.sample_rate(48_000).sample_fmt(AV_SAMPLE_FMT_FLT).bit_rate(96_000);
            ctx.time_base(new AVRational().num(1).den(48_000));
            avutil.av_channel_layout_default(ctx.ch_layout(), channels);
            TestEncoder.check(avcodec.avcodec_open2(ctx, encoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "open");
            int frameSize = ctx.frame_size();
            assertThat(frameSize).isEqualTo(960);
            frame.nb_samples(frameSize).format(AV_SAMPLE_FMT_FLT).sample_rate(48_000);
            avutil.av_channel_layout_default(frame.ch_layout(), channels);
            TestEncoder.check(avutil.av_frame_get_buffer(frame, 0), "buffer");
            float[] buf = new float[frameSize * channels];
            int total = (int) (seconds * 48_000 / frameSize);
            for (int f = 0; f < total; f++) {
                for (int i = 0; i < frameSize; i++) {
                    double t = (f * frameSize + i) / 48_000.0;
                    buf[i * channels] = (float) (0.5 * Math.sin(2 * Math.PI * LEFT_HZ * t));
                    if (channels == 2) {
                        buf[i * channels + 1] = (float) (0.5 * Math.sin(2 * Math.PI * RIGHT_HZ * t));
                    }
                }
                TestEncoder.check(avutil.av_frame_make_writable(frame), "writable");
                new FloatPointer(frame.data(0)).put(buf);
                frame.pts((long) f * frameSize);
                TestEncoder.check(avcodec.avcodec_send_frame(ctx, frame), "send");
                drain(ctx, pkt, packets);
            }
        } finally {
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
            avcodec.avcodec_free_context(ctx);
        }
        return packets;
    }

    private static void drain(AVCodecContext ctx, AVPacket pkt, List<byte[]> out) {
        while (avcodec.avcodec_receive_packet(ctx, pkt) >= 0) {
            byte[] data = new byte[pkt.size()];
            pkt.data().get(data);
            out.add(data);
            avcodec.av_packet_unref(pkt);
        }
    }

    /** Frequency of one channel from its upward zero crossings, interpolated, skipping the first {@code skip} s. */
    static double frequency(double[] interleaved, int channels, int channel, int rate, double skip) {
        int n = interleaved.length / channels;
        double first = -1;
        double last = -1;
        int crossings = 0;
        for (int i = (int) (skip * rate) + 1; i < n; i++) {
            double a = interleaved[(i - 1) * channels + channel];
            double b = interleaved[i * channels + channel];
            if (a < 0 && b >= 0) {
                double t = (i - 1 + a / (a - b)) / rate;
                if (first < 0) {
                    first = t;
                }
                last = t;
                crossings++;
            }
        }
        return (crossings - 1) / (last - first);
    }

    static double rms(double[] samples) {
        double sum = 0;
        for (double s : samples) {
            sum += s * s;
        }
        return Math.sqrt(sum / samples.length);
    }

    static double[] concat(List<AudioBatch> batches) {
        int total = batches.stream().mapToInt(b -> b.samplesPerChannel() * b.channels()).sum();
        double[] all = new double[total];
        int at = 0;
        for (AudioBatch b : batches) {
            int len = b.samplesPerChannel() * b.channels();
            System.arraycopy(b.samples(), 0, all, at, len);
            at += len;
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(ints = {16_000, 48_000, 8_000, 24_000})
    void stereoToneComesOutAtItsFrequencyAndPlaceAtTheMixingRate(int rate) {
        List<byte[]> packets = encodeTone(2, 1.0);
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(2, rate)) {
            for (int i = 0; i < packets.size(); i++) {
                byte[] p = packets.get(i);
                assertThat(AudioDecoder.opusChannels(p, p.length)).isEqualTo(2);
                assertThat(decoder.decode(p, p.length, i * PACKET_NANOS, batches::add)).isEqualTo(DecodeResult.OK);
            }
            assertThat(decoder.decoderName()).isEqualTo("concentus");
            assertThat(decoder.errors()).isZero();
        }
        assertThat(batches).hasSizeGreaterThanOrEqualTo(packets.size() - 1);
        for (AudioBatch b : batches) {
            assertThat(b.channels()).isEqualTo(2);
            assertThat(b.sampleRate()).isEqualTo(rate);
        }
        // Steady state: one 20 ms packet gives 20 ms at the mixing rate, and batches follow on without gaps.
        for (int i = 5; i < batches.size(); i++) {
            AudioBatch b = batches.get(i);
            assertThat(b.samplesPerChannel()).isEqualTo(rate / 50);
            AudioBatch prev = batches.get(i - 1);
            assertThat(b.startPtsNanos() - prev.startPtsNanos()).isCloseTo(PACKET_NANOS, within(1_000_000_000L / rate));
        }
        double[] pcm = concat(batches);
        assertThat(frequency(pcm, 2, 0, rate, 0.1)).isCloseTo(LEFT_HZ, within(2.0));
        assertThat(frequency(pcm, 2, 1, rate, 0.1)).isCloseTo(RIGHT_HZ, within(2.0));
        assertThat(rms(pcm)).isGreaterThan(0.2); // 0.5 amplitude sines: RMS ~0.35
    }

    @Test
    void monoDecoderMixesStereoPacketsDownAndKeepsTheTone() {
        List<byte[]> packets = encodeTone(2, 0.6);
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(1, 16_000)) {
            for (int i = 0; i < packets.size(); i++) {
                decoder.decode(packets.get(i), packets.get(i).length, i * PACKET_NANOS, batches::add);
            }
        }
        assertThat(batches).allSatisfy(b -> assertThat(b.channels()).isEqualTo(1));
        assertThat(rms(concat(batches))).isGreaterThan(0.1);
    }

    @Test
    void monoPacketsSayMonoInTheirToc() {
        List<byte[]> packets = encodeTone(1, 0.2);
        for (byte[] p : packets) {
            assertThat(AudioDecoder.opusChannels(p, p.length)).isEqualTo(1);
        }
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(1, 48_000)) {
            for (int i = 0; i < packets.size(); i++) {
                decoder.decode(packets.get(i), packets.get(i).length, i * PACKET_NANOS, batches::add);
            }
        }
        assertThat(frequency(concat(batches), 1, 0, 48_000, 0.05)).isCloseTo(LEFT_HZ, within(2.0));
    }

    @Test
    void aLostPacketIsConcealedAtItsTimeAndDecodingGoesOn() {
        List<byte[]> packets = encodeTone(2, 0.6);
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(2, 48_000)) {
            List<AudioBatch> early = new ArrayList<>();
            decoder.conceal(0, early::add);
            assertThat(early).as("nothing to conceal before the first packet").isEmpty();
            for (int i = 0; i < packets.size(); i++) {
                if (i == 15) {
                    List<AudioBatch> concealed = new ArrayList<>();
                    decoder.conceal(i * PACKET_NANOS, concealed::add);
                    assertThat(concealed).hasSize(1);
                    AudioBatch c = concealed.get(0);
                    assertThat(c.startPtsNanos()).isEqualTo(15 * PACKET_NANOS);
                    assertThat(c.samplesPerChannel()).isEqualTo(960);
                    assertThat(rms(c.samples())).as("concealment continues the tone").isGreaterThan(0.05);
                    batches.addAll(concealed);
                    continue;
                }
                assertThat(decoder.decode(packets.get(i), packets.get(i).length, i * PACKET_NANOS, batches::add))
                        .isEqualTo(DecodeResult.OK);
            }
            assertThat(decoder.concealedPackets()).isEqualTo(1);
        }
        assertThat(batches).hasSize(packets.size());
        AudioBatch after = batches.get(20);
        assertThat(after.startPtsNanos()).isEqualTo(20 * PACKET_NANOS);
        assertThat(frequency(concat(batches.subList(17, batches.size())), 2, 0, 48_000, 0)).isCloseTo(LEFT_HZ, within(2.0));
    }

    @Test
    void corruptPacketsAreSkippedWithoutThrowing() {
        List<byte[]> packets = encodeTone(2, 0.4);
        Random random = new Random(3);
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(2, 16_000)) {
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[random.nextInt(400)];
                random.nextBytes(junk);
                assertThat(decoder.decode(junk, junk.length, i, b -> { })).isIn(DecodeResult.OK, DecodeResult.DROPPED);
            }
            byte[] huge = new byte[AudioDecoder.MAX_PACKET_BYTES + 1];
            assertThat(decoder.decode(huge, huge.length, 0, b -> { })).isEqualTo(DecodeResult.DROPPED);
            assertThat(decoder.decode(new byte[0], 0, 0, b -> { })).isEqualTo(DecodeResult.DROPPED);
            assertThat(decoder.errors()).isPositive();
            for (int i = 0; i < packets.size(); i++) {
                decoder.decode(packets.get(i), packets.get(i).length, i * PACKET_NANOS, batches::add);
            }
        }
        assertThat(frequency(concat(batches), 2, 0, 16_000, 0.1)).isCloseTo(LEFT_HZ, within(2.0));
    }

    @Test
    void closedDecoderRefusesWork() {
        AudioDecoder decoder = AudioDecoder.openOpus(2, 48_000);
        decoder.close();
        decoder.close();
        assertThatThrownBy(() -> decoder.decode(new byte[] {1}, 1, 0, b -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AudioDecoder.openOpus(3, 48_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tocGivesFrameCountAndDuration() {
        // RFC 6716 §3.1: config 1 = SILK NB 20 ms, 13 = hybrid SWB 20 ms, 31 = CELT FB 20 ms, 16 = CELT NB 2.5 ms.
        assertThat(AudioDecoder.frameSamples48k(1 << 3)).isEqualTo(960);
        assertThat(AudioDecoder.frameSamples48k(3 << 3)).isEqualTo(2880);
        assertThat(AudioDecoder.frameSamples48k(13 << 3)).isEqualTo(960);
        assertThat(AudioDecoder.frameSamples48k(12 << 3)).isEqualTo(480);
        assertThat(AudioDecoder.frameSamples48k(31 << 3)).isEqualTo(960);
        assertThat(AudioDecoder.frameSamples48k(16 << 3)).isEqualTo(120);
        assertThat(AudioDecoder.frameCount(new byte[] {(byte) 0xf8}, 1)).isEqualTo(1);
        assertThat(AudioDecoder.frameCount(new byte[] {(byte) 0xf9, 0}, 2)).isEqualTo(2);
        assertThat(AudioDecoder.frameCount(new byte[] {(byte) 0xfb, 3}, 2)).isEqualTo(3);
        assertThat(AudioDecoder.frameCount(new byte[] {(byte) 0xfb}, 1)).isZero();
        assertThat(AudioDecoder.opusChannels(new byte[] {(byte) 0xfc}, 1)).isEqualTo(2);
        assertThat(AudioDecoder.opusChannels(new byte[0], 0)).isZero();
    }
}
