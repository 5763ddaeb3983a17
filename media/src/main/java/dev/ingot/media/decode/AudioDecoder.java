package dev.ingot.media.decode;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_DBL;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.payload.OpusToc;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Objects;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * Decodes one input's Opus packets (RFC 7587: 48 kHz, mono or stereo) and resamples them with FFmpeg's
 * swresample to the mixing sample rate as interleaved doubles ({@link AudioBatch}).
 *
 * <p><b>Decoder.</b> Concentus (BSD-3-Clause), a pure-Java port of the reference libopus decoder, because it
 * takes libopus's {@code decode_fec} flag: FFmpeg's libopus wrapper always decodes with {@code decode_fec = 0}
 * and its native opus decoder skips LBRR data and has no concealment, so neither can recover a lost packet from
 * the next one's in-band FEC. It costs about 1.3-1.6 times libopus's CPU, a few percent of a core per stream
 * (BENCHMARKS.md, {@code OpusDecodeBenchmark}).
 *
 * <p>The channel count is fixed when the decoder opens (from the SDP's {@code stereo}/{@code sprop-stereo}, or
 * from the first packet's TOC, see {@link #opusChannels}); Opus mixes packets of the other kind down or up, so
 * batches keep one layout for the life of the stream.
 *
 * <p><b>Loss.</b> {@link #decodeAfterGap} fills the audio missing before a packet, so that the PCM timeline has
 * no holes: when packets were lost and the packet carries LBRR, the last lost packet's worth is rebuilt from it
 * (in-band FEC, RFC 6716 §2.1.7) and the rest is concealed (Opus PLC); a gap without lost packets (DTX, the
 * sender paused) is concealed, which Opus turns into comfort noise. What to fill comes with each packet (from the
 * depacketizer's sequence numbers and timestamps), so the decoder keeps no clock and may run on any thread, one
 * at a time.
 *
 * <p><b>Threading.</b> Not thread-safe; one caller at a time, like {@link VideoDecoder}. Batches are immutable
 * and may go to any thread.
 */
public final class AudioDecoder implements AutoCloseable {
    static final int MAX_PACKET_BYTES = 64 * 1024;
    /** Longest gap filled before a packet; a longer one (a publisher that stopped for a while) is left empty. */
    public static final int MAX_FILL_SAMPLES = 48_000;
    private static final int OPUS_RATE = 48_000;
    /** 120 ms at 48 kHz: the most one Opus packet (or one concealment call) yields. */
    private static final int MAX_CHUNK = 5760;
    /** Concealment goes in steps of 2.5 ms (RFC 6716's smallest frame). */
    private static final int PLC_STEP = 120;

    private final int channels;
    private final int outputRate;
    private final OpusDecoder opus;
    private final short[] pcm;
    private ShortPointer input;

    private SwrContext swr;
    private AVChannelLayout inLayout;
    private AVChannelLayout outLayout;
    private DoublePointer output;
    private int outputCapacitySamples;
    private PointerPointer<DoublePointer> outputPlanes;
    private PointerPointer<ShortPointer> inputPlanes;

    private int lastPacketSamples;
    private boolean closed;
    private long packets;
    private long batches;
    private long errors;
    private long concealedPackets;
    private long concealedSamples;
    private long fecRecoveredPackets;
    private String lastError = "";

    private AudioDecoder(int channels, int outputRate, OpusDecoder opus) {
        this.channels = channels;
        this.outputRate = outputRate;
        this.opus = opus;
        this.pcm = new short[MAX_CHUNK * channels];
        this.input = new ShortPointer((long) MAX_CHUNK * channels);
        this.inLayout = new AVChannelLayout();
        this.outLayout = new AVChannelLayout();
        avutil.av_channel_layout_default(inLayout, channels);
        avutil.av_channel_layout_default(outLayout, channels);
        this.outputPlanes = new PointerPointer<>(1);
        this.inputPlanes = new PointerPointer<>(1);
        openResampler();
        ensureOutputCapacity(4096);
    }

    /**
     * Opens an Opus decoder.
     *
     * @param channels         1 or 2: the layout of every batch
     * @param outputSampleRate the mixing rate (Smelter: 8000, 12000, 16000, 24000 or 48000)
     * @throws DecoderException if the decoder or FFmpeg's resampler cannot be set up
     */
    public static AudioDecoder openOpus(int channels, int outputSampleRate) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels must be 1 or 2, got " + channels);
        }
        if (outputSampleRate < 8000 || outputSampleRate > 192_000) {
            throw new IllegalArgumentException("unsupported output sample rate " + outputSampleRate);
        }
        OpusDecoder opus;
        try {
            opus = new OpusDecoder(OPUS_RATE, channels);
        } catch (OpusException e) {
            throw new DecoderException("opus: cannot create a decoder: " + e.getMessage(), e);
        }
        try {
            return new AudioDecoder(channels, outputSampleRate, opus);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new DecoderException("FFmpeg could not be loaded: " + e, e);
        }
    }

    /**
     * The channel count an Opus packet was encoded with, from the stereo flag of its TOC byte (RFC 6716 §3.1):
     * 1 or 2, or 0 for an empty packet.
     */
    public static int opusChannels(byte[] packet, int len) {
        return OpusToc.channels(packet, len);
    }

    /**
     * Decodes one Opus packet ({@code packet[0..len)}) that follows the previous one without a gap, and hands the
     * resampled PCM to {@code out}.
     *
     * @return {@link DecodeResult#OK}, or {@link DecodeResult#DROPPED} if the decoder rejected the packet (the
     *         next packet decodes normally)
     */
    public DecodeResult decode(byte[] opusPacket, int len, long ptsNanos, Consumer<AudioBatch> out) {
        return decodeAfterGap(opusPacket, len, ptsNanos, 0, false, out);
    }

    /**
     * Fills the audio missing just before this packet, then decodes the packet.
     *
     * @param gapSamples  48 kHz samples missing between the end of the previous packet and this one's start
     *                    ({@link dev.ingot.media.payload.EncodedFrame#gapSamples()}); 0 for none. Rounded down to
     *                    2.5 ms; more than {@link #MAX_FILL_SAMPLES} is not filled
     * @param packetsLost whether the gap is lost packets (sequence numbers missing), so the packet's in-band FEC
     *                    may rebuild its last part; false for a pause in sending (DTX)
     * @param ptsNanos    this packet's presentation time; the filled audio ends there
     */
    public DecodeResult decodeAfterGap(byte[] opusPacket, int len, long ptsNanos, int gapSamples, boolean packetsLost,
            Consumer<AudioBatch> out) {
        checkOpen();
        Objects.checkFromIndexSize(0, len, opusPacket.length);
        packets++;
        if (len == 0 || len > MAX_PACKET_BYTES) {
            return drop("packet of " + len + " bytes");
        }
        int fill = gapSamples - gapSamples % PLC_STEP;
        if (fill > 0 && fill <= MAX_FILL_SAMPLES && lastPacketSamples > 0) {
            fill(opusPacket, len, ptsNanos, fill, packetsLost, out);
        }
        int n;
        try {
            n = opus.decode(opusPacket, 0, len, pcm, 0, MAX_CHUNK, false);
        } catch (OpusException | RuntimeException e) {
            return drop("decode: " + e.getMessage());
        }
        lastPacketSamples = n;
        emit(n, ptsNanos, out);
        return DecodeResult.OK;
    }

    /**
     * Conceals one lost packet, assumed as long as the last good one, emitting the concealed audio at
     * {@code ptsNanos} (the lost packet's presentation time). Does nothing before the first good packet.
     */
    public void conceal(long ptsNanos, Consumer<AudioBatch> out) {
        checkOpen();
        if (lastPacketSamples > 0) {
            concealedPackets++;
            plc(lastPacketSamples, ptsNanos, out);
        }
    }

    /** {@code samples} (a multiple of 2.5 ms) of audio before the packet: PLC, with FEC for the last part if it can. */
    private void fill(byte[] packet, int len, long ptsNanos, int samples, boolean packetsLost, Consumer<AudioBatch> out) {
        long start = ptsNanos - samples * 1_000_000_000L / OPUS_RATE;
        int fecSamples = OpusToc.frameSamples48k(packet[0] & 0xff);
        boolean fec = packetsLost && OpusToc.hasLbrr(packet, len) && fecSamples <= samples && fecSamples <= MAX_CHUNK;
        int concealed = fec ? samples - fecSamples : samples;
        if (concealed > 0) {
            concealedPackets++;
            plc(concealed, start, out);
        }
        if (fec) {
            try {
                // libopus (and Concentus) rebuild the last fecSamples of the gap from the packet's LBRR data
                int n = opus.decode(packet, 0, len, pcm, 0, fecSamples, true);
                fecRecoveredPackets++;
                emit(n, start + concealed * 1_000_000_000L / OPUS_RATE, out);
            } catch (OpusException | RuntimeException e) {
                drop("fec: " + e.getMessage());
                plc(fecSamples, start + concealed * 1_000_000_000L / OPUS_RATE, out);
            }
        }
    }

    /** Packet-loss concealment for {@code samples} (a multiple of 2.5 ms) starting at {@code startNanos}. */
    private void plc(int samples, long startNanos, Consumer<AudioBatch> out) {
        int done = 0;
        while (done < samples) {
            int chunk = Math.min(MAX_CHUNK, samples - done);
            int n;
            try {
                n = opus.decode(null, 0, 0, pcm, 0, chunk, false);
            } catch (OpusException | RuntimeException e) {
                drop("conceal: " + e.getMessage());
                return;
            }
            if (n <= 0) {
                return;
            }
            concealedSamples += n;
            emit(n, startNanos + done * 1_000_000_000L / OPUS_RATE, out);
            done += n;
        }
    }

    /** Resamples {@code samples} per channel of {@link #pcm} to the mixing rate and hands the batch on. */
    private void emit(int samples, long ptsNanos, Consumer<AudioBatch> out) {
        if (samples <= 0) {
            return;
        }
        // The first sample out of this call is the one delayed by what the resampler still holds.
        long delayNanos = swresample.swr_get_delay(swr, 1_000_000_000L);
        int maxOut = swresample.swr_get_out_samples(swr, samples);
        ensureOutputCapacity(maxOut);
        input.position(0).put(pcm, 0, samples * channels);
        inputPlanes.put(0, input);
        outputPlanes.put(0, output);
        int n = swresample.swr_convert(swr, outputPlanes, outputCapacitySamples, inputPlanes, samples);
        if (n < 0) {
            drop("resample: " + FfmpegError.describe(n));
            return;
        }
        if (n == 0) {
            return;
        }
        double[] converted = new double[n * channels];
        output.position(0).get(converted);
        batches++;
        out.accept(new AudioBatch(converted, outputRate, channels, ptsNanos - delayNanos, n));
    }

    private void openResampler() {
        swr = new SwrContext(null);
        int rc = swresample.swr_alloc_set_opts2(swr, outLayout, AV_SAMPLE_FMT_DBL, outputRate, inLayout,
                AV_SAMPLE_FMT_S16, OPUS_RATE, 0, null);
        if (rc >= 0) {
            rc = swresample.swr_init(swr);
        }
        if (rc < 0) {
            close();
            throw new DecoderException("swresample cannot convert " + channels + " channels from " + OPUS_RATE
                    + " to " + outputRate + " Hz: " + FfmpegError.describe(rc));
        }
    }

    private DecodeResult drop(String why) {
        errors++;
        lastError = why;
        return DecodeResult.DROPPED;
    }

    /** Number of frames in an Opus packet (RFC 6716 §3.2), or 0 if the packet is malformed. */
    static int frameCount(byte[] packet, int len) {
        return OpusToc.frameCount(packet, len);
    }

    /** Samples per frame at 48 kHz for a TOC byte's configuration (RFC 6716 §3.1, Table 2). */
    static int frameSamples48k(int toc) {
        return OpusToc.frameSamples48k(toc);
    }

    public int channels() {
        return channels;
    }

    public int outputSampleRate() {
        return outputRate;
    }

    /** The decoder's name: {@code concentus} (libopus ported to Java). */
    public String decoderName() {
        return "concentus";
    }

    public long packets() {
        return packets;
    }

    public long batches() {
        return batches;
    }

    public long errors() {
        return errors;
    }

    /** Gaps (or parts of gaps) filled by packet-loss concealment. */
    public long concealedPackets() {
        return concealedPackets;
    }

    /** 48 kHz samples produced by concealment. */
    public long concealedSamples() {
        return concealedSamples;
    }

    /** Lost packets rebuilt from the next packet's in-band FEC (LBRR). */
    public long fecRecoveredPackets() {
        return fecRecoveredPackets;
    }

    public String lastError() {
        return lastError;
    }

    /** Frees all native state. Batches already emitted are plain Java arrays and stay valid. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (swr != null) {
            swresample.swr_free(swr);
            swr = null;
        }
        for (AVChannelLayout layout : new AVChannelLayout[] {inLayout, outLayout}) {
            if (layout != null) {
                avutil.av_channel_layout_uninit(layout);
                layout.close();
            }
        }
        inLayout = null;
        outLayout = null;
        if (input != null) {
            input.close();
            input = null;
        }
        if (output != null) {
            output.close();
            output = null;
        }
        if (outputPlanes != null) {
            outputPlanes.close();
            outputPlanes = null;
        }
        if (inputPlanes != null) {
            inputPlanes.close();
            inputPlanes = null;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("audio decoder is closed");
        }
    }

    private void ensureOutputCapacity(int samplesPerChannel) {
        if (samplesPerChannel <= outputCapacitySamples) {
            return;
        }
        if (output != null) {
            output.close();
        }
        outputCapacitySamples = Math.max(samplesPerChannel, outputCapacitySamples * 2);
        output = new DoublePointer((long) outputCapacitySamples * channels);
    }
}
