package dev.ingot.media.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.payload.EncodedFrame;
import dev.ingot.media.payload.OpusDepacketizer;
import dev.ingot.media.payload.OpusToc;
import dev.ingot.media.payload.RtpMedia;
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
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/**
 * Real Opus from libopus (FFmpeg's encoder, in-band FEC on as Chromium sends it with {@code useinbandfec=1}),
 * packets dropped on the way, through the depacketizer and the decoder: a single lost packet is rebuilt from the
 * next one's LBRR data, longer losses and DTX pauses are concealed, and the 440 Hz tone runs on without a hole
 * in the PCM timeline.
 */
class OpusLossRecoveryTest {
    private static final double HZ = 440;
    private static final int PACKET = 960;
    private static final long PACKET_NANOS = 20_000_000L;
    private static final int PACKETS = 150; // 3 s

    /** A 440 Hz sine (amplitude 0.5) in both channels, encoded by libopus in 20 ms packets. */
    static List<byte[]> encode(int channels, boolean fec) {
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name("libopus");
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        AVFrame frame = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        AVDictionary options = new AVDictionary(null);
        List<byte[]> packets = new ArrayList<>();
        try {
            ctx.sample_rate(48_000).sample_fmt(AV_SAMPLE_FMT_FLT).bit_rate(32_000 * channels);
            ctx.time_base(new AVRational().num(1).den(48_000));
            avutil.av_channel_layout_default(ctx.ch_layout(), channels);
            // what a WebRTC sender does with useinbandfec=1: FEC on, expecting some loss
            Map.of("application", "voip", "fec", fec ? "1" : "0", "packet_loss", "10")
                    .forEach((k, v) -> avutil.av_dict_set(options, k, v, 0));
            TestEncoder.check(avcodec.avcodec_open2(ctx, encoder, options), "open libopus");
            frame.nb_samples(PACKET).format(AV_SAMPLE_FMT_FLT).sample_rate(48_000);
            avutil.av_channel_layout_default(frame.ch_layout(), channels);
            TestEncoder.check(avutil.av_frame_get_buffer(frame, 0), "buffer");
            float[] buf = new float[PACKET * channels];
            for (int f = 0; f < PACKETS + 2; f++) {
                for (int i = 0; i < PACKET; i++) {
                    float s = (float) (0.5 * Math.sin(2 * Math.PI * HZ * (f * PACKET + i) / 48_000.0));
                    for (int c = 0; c < channels; c++) {
                        buf[i * channels + c] = s;
                    }
                }
                TestEncoder.check(avutil.av_frame_make_writable(frame), "writable");
                new FloatPointer(frame.data(0)).put(buf);
                frame.pts((long) f * PACKET);
                TestEncoder.check(avcodec.avcodec_send_frame(ctx, frame), "send");
                while (avcodec.avcodec_receive_packet(ctx, pkt) >= 0) {
                    byte[] data = new byte[pkt.size()];
                    pkt.data().get(data);
                    packets.add(data);
                    avcodec.av_packet_unref(pkt);
                }
            }
        } finally {
            avutil.av_dict_free(options);
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
            avcodec.avcodec_free_context(ctx);
        }
        return packets.subList(0, PACKETS);
    }

    /** What came out: the batches, and the decoder's counters. */
    record Decoded(List<AudioBatch> batches, long fec, long concealed, long errors) {
        double[] left() {
            int n = batches.stream().mapToInt(AudioBatch::samplesPerChannel).sum();
            double[] out = new double[n];
            int at = 0;
            for (AudioBatch b : batches) {
                for (int i = 0; i < b.samplesPerChannel(); i++) {
                    out[at++] = b.sample(i, 0);
                }
            }
            return out;
        }
    }

    /**
     * RTP packets (sequence i, timestamp i*960; packets for which {@code drop} is true never arrive, and from
     * {@code dtxFrom} on the timestamps jump by {@code dtxSamples} without a sequence gap) through the
     * depacketizer and the decoder, as the input pipeline runs them.
     */
    static Decoded run(List<byte[]> packets, int channels, IntPredicate drop, int dtxFrom, int dtxSamples) {
        OpusDepacketizer depacketizer = new OpusDepacketizer();
        List<EncodedFrame> frames = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            if (!drop.test(i)) {
                long ts = (long) i * PACKET + (i >= dtxFrom ? dtxSamples : 0);
                depacketizer.push(RtpMedia.of(i, ts, false, 111, 1, packets.get(i), i * PACKET_NANOS), frames::add);
            }
        }
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(channels, 48_000)) {
            for (EncodedFrame f : frames) {
                long pts = f.rtpTimestamp() * 1_000_000_000L / 48_000;
                DecodeResult r = decoder.decodeAfterGap(f.data(), f.length(), pts, f.gapSamples(), f.lostPackets() > 0,
                        batches::add);
                assertThat(r).isEqualTo(DecodeResult.OK);
            }
            return new Decoded(batches, decoder.fecRecoveredPackets(), decoder.concealedPackets(), decoder.errors());
        }
    }

    /** Batches follow on without a hole or an overlap, from the first packet to the last. */
    static void assertNoHoles(Decoded d, int expectedSamples) {
        long total = 0;
        for (int i = 1; i < d.batches().size(); i++) {
            AudioBatch prev = d.batches().get(i - 1);
            AudioBatch b = d.batches().get(i);
            assertThat(b.startPtsNanos() - prev.startPtsNanos()).as("batch %d starts where batch %d ends", i, i - 1)
                    .isCloseTo(prev.durationNanos(), within(30_000L));
        }
        for (AudioBatch b : d.batches()) {
            total += b.samplesPerChannel();
        }
        assertThat(total).isEqualTo(expectedSamples);
    }

    /** Amplitude of the 440 Hz component of {@code x[from, from+n)} (Goertzel), 0.5 for the source sine. */
    static double tone(double[] x, int from, int n) {
        double w = 2 * Math.PI * HZ / 48_000;
        double s1 = 0;
        double s2 = 0;
        for (int i = from; i < from + n; i++) {
            double s = x[i] + 2 * Math.cos(w) * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        double power = s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2;
        return 2 * Math.sqrt(Math.max(power, 0)) / n;
    }

    /** Error energy against the loss-free decode over the given packets, relative to the signal (dB, lower is better). */
    static double errorDb(double[] got, double[] reference, List<Integer> packets) {
        double err = 0;
        double sig = 0;
        for (int p : packets) {
            for (int i = p * PACKET; i < (p + 1) * PACKET; i++) {
                err += (got[i] - reference[i]) * (got[i] - reference[i]);
                sig += reference[i] * reference[i];
            }
        }
        return 10 * Math.log10(err / sig);
    }

    @Test
    void libopusWithFecOnPutsLbrrInItsPacketsAndWithoutDoesNot() {
        long withLbrr = encode(1, true).stream().filter(p -> OpusToc.hasLbrr(p, p.length)).count();
        long stereoWithLbrr = encode(2, true).stream().filter(p -> OpusToc.hasLbrr(p, p.length)).count();
        long without = encode(1, false).stream().filter(p -> OpusToc.hasLbrr(p, p.length)).count();
        assertThat(withLbrr).as("mono packets with LBRR").isGreaterThan(PACKETS * 9 / 10);
        assertThat(stereoWithLbrr).as("stereo packets with LBRR").isGreaterThan(PACKETS * 9 / 10);
        assertThat(without).isZero();
    }

    @Test
    void singleLostPacketsAreRebuiltFromTheNextPacketsFec() {
        for (int channels : new int[] {1, 2}) {
            List<byte[]> packets = encode(channels, true);
            IntPredicate lost = i -> i >= 20 && i % 10 == 5; // 10 % loss, one packet at a time
            List<Integer> lostIndexes = new ArrayList<>();
            for (int i = 0; i < PACKETS; i++) {
                if (lost.test(i)) {
                    lostIndexes.add(i);
                }
            }
            double[] reference = run(packets, channels, i -> false, Integer.MAX_VALUE, 0).left();
            Decoded fec = run(packets, channels, lost, Integer.MAX_VALUE, 0);
            assertThat(fec.errors()).isZero();
            assertThat(fec.fec()).as("packets rebuilt by FEC").isEqualTo(lostIndexes.size());
            assertNoHoles(fec, PACKETS * PACKET);
            double[] got = fec.left();
            // the same losses concealed without FEC (the decoder told only of a pause) sound further from the source
            double fecDb = errorDb(got, reference, lostIndexes);
            double plcDb = errorDb(concealOnly(packets, channels, lost).left(), reference, lostIndexes);
            System.out.printf("[opus] %d ch, 10%% single losses: error vs loss-free decode in the lost packets:"
                    + " FEC %.1f dB, concealment alone %.1f dB%n", channels, fecDb, plcDb);
            assertThat(fecDb).as("FEC rebuilds the lost audio").isLessThan(-10.0).isLessThan(plcDb - 3);
            for (int w = 5; w < PACKETS * 2; w++) { // 10 ms windows after the first 50 ms
                assertThat(tone(got, w * 480, 480)).as("440 Hz in window %d", w).isGreaterThan(0.25);
            }
        }
    }

    /** The same packets and losses, decoded as if the gaps were pauses: concealment only. */
    private static Decoded concealOnly(List<byte[]> packets, int channels, IntPredicate drop) {
        OpusDepacketizer depacketizer = new OpusDepacketizer();
        List<EncodedFrame> frames = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            if (!drop.test(i)) {
                depacketizer.push(RtpMedia.of(i, (long) i * PACKET, false, 111, 1, packets.get(i), 0), frames::add);
            }
        }
        List<AudioBatch> batches = new ArrayList<>();
        try (AudioDecoder decoder = AudioDecoder.openOpus(channels, 48_000)) {
            for (EncodedFrame f : frames) {
                decoder.decodeAfterGap(f.data(), f.length(), f.rtpTimestamp() * 1_000_000_000L / 48_000,
                        f.gapSamples(), false, batches::add);
            }
            return new Decoded(batches, decoder.fecRecoveredPackets(), decoder.concealedPackets(), decoder.errors());
        }
    }

    @Test
    void burstsAreConcealedUpToTheLastPacketWhichFecRebuilds() {
        List<byte[]> packets = encode(2, true);
        IntPredicate lost = i -> i >= 40 && i < 43 || i >= 90 && i < 95; // 60 ms and 100 ms holes
        Decoded d = run(packets, 2, lost, Integer.MAX_VALUE, 0);
        assertNoHoles(d, PACKETS * PACKET);
        assertThat(d.fec()).isEqualTo(2);
        assertThat(d.concealed()).isEqualTo(2);
        double[] got = d.left();
        assertThat(tone(got, 40 * PACKET, 2 * PACKET)).as("the tone goes on through a 60 ms hole").isGreaterThan(0.1);
        assertThat(tone(got, 43 * PACKET, 10 * PACKET)).isCloseTo(0.5, within(0.1));
    }

    @Test
    void aPauseInSendingIsFilledSoTheTimelineHasNoHole() {
        List<byte[]> packets = encode(1, false);
        // from packet 50 on, the timestamps are 200 ms later with no sequence gap: a DTX pause
        Decoded d = run(packets, 1, i -> false, 50, 10 * PACKET);
        assertNoHoles(d, (PACKETS + 10) * PACKET);
        assertThat(d.fec()).isZero();
        assertThat(d.concealed()).isEqualTo(1);
    }

    @Test
    void theDepacketizerSaysWhatIsMissingBeforeEachPacket() {
        List<byte[]> packets = encode(1, true).subList(0, 10);
        OpusDepacketizer d = new OpusDepacketizer();
        List<EncodedFrame> frames = new ArrayList<>();
        int[] sequence = {0, 1, 3, 4, 8, 9};
        for (int i : sequence) {
            d.push(RtpMedia.of(i, (long) i * PACKET, false, 111, 1, packets.get(i), 0), frames::add);
        }
        assertThat(frames).extracting(EncodedFrame::lostPackets).containsExactly(0, 0, 1, 0, 3, 0);
        assertThat(frames).extracting(EncodedFrame::gapSamples).containsExactly(0, 0, PACKET, 0, 3 * PACKET, 0);
        assertThat(frames).extracting(EncodedFrame::discontinuity).containsExactly(false, false, true, false, true, false);
    }
}
