package dev.ingot.media.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_DBL;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;

import dev.ingot.media.frame.AudioBatch;
import java.util.Objects;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes one input's Opus packets (RFC 7587: 48 kHz, mono or stereo) with FFmpeg's libopus decoder and
 * resamples them with swresample to the mixing sample rate as interleaved doubles ({@link AudioBatch}).
 *
 * <p>The channel count is fixed when the decoder opens (from the SDP's {@code stereo}/{@code sprop-stereo}, or
 * from the first packet's TOC, see {@link #opusChannels}); libopus mixes packets of the other kind down or up,
 * so batches keep one layout for the life of the stream.
 *
 * <p><b>Loss.</b> {@link #conceal} runs Opus packet-loss concealment for one lost packet: it hands libopus a
 * packet whose frames have length zero, which RFC 6716 §3.2 and libopus treat as lost frames, and emits the
 * concealed audio at the lost packet's time. A caller that would rather leave a gap simply does not call it.
 *
 * <p><b>Threading.</b> Not thread-safe; confined to the input's decoding thread, like {@link VideoDecoder}.
 * Batches are immutable and may go to any thread.
 */
public final class AudioDecoder implements AutoCloseable {
    static final int MAX_PACKET_BYTES = 64 * 1024;
    private static final int OPUS_RATE = 48_000;

    private final int channels;
    private final int outputRate;
    private final String decoderName;
    private AVCodecContext context;
    private AVPacket packet;
    private AVFrame received;
    private BytePointer input;
    private int inputCapacity;
    private final byte[] lossPacket = new byte[1];

    private SwrContext swr;
    private int swrInFormat = -1;
    private int swrInRate = -1;
    private int swrInChannels = -1;
    private AVChannelLayout outLayout;
    private DoublePointer output;
    private int outputCapacitySamples;
    private PointerPointer<DoublePointer> outputPlanes;

    private int lastToc = -1;
    private int lastFrameCount;
    private boolean closed;
    private long packets;
    private long batches;
    private long errors;
    private long concealedPackets;
    private String lastError = "";

    private AudioDecoder(int channels, int outputRate, String decoderName, AVCodecContext context) {
        this.channels = channels;
        this.outputRate = outputRate;
        this.decoderName = decoderName;
        this.context = context;
        this.packet = avcodec.av_packet_alloc();
        this.received = avutil.av_frame_alloc();
        this.outLayout = new AVChannelLayout();
        avutil.av_channel_layout_default(outLayout, channels);
        this.outputPlanes = new PointerPointer<>(1);
        if (packet == null || packet.isNull() || received == null || received.isNull()) {
            close();
            throw new DecoderException("FFmpeg could not allocate a packet or frame");
        }
        ensureInputCapacity(1500);
        ensureOutputCapacity(4096);
    }

    /**
     * Opens an Opus decoder.
     *
     * @param channels         1 or 2: the layout of every batch
     * @param outputSampleRate the mixing rate (Smelter: 8000, 12000, 16000, 24000 or 48000)
     * @throws DecoderException if FFmpeg has no Opus decoder
     */
    public static AudioDecoder openOpus(int channels, int outputSampleRate) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels must be 1 or 2, got " + channels);
        }
        if (outputSampleRate < 8000 || outputSampleRate > 192_000) {
            throw new IllegalArgumentException("unsupported output sample rate " + outputSampleRate);
        }
        AVCodec codec;
        try {
            // libopus is the reference decoder and the only one that conceals losses; FFmpeg's own is the fallback.
            codec = avcodec.avcodec_find_decoder_by_name("libopus");
            if (codec == null || codec.isNull()) {
                codec = avcodec.avcodec_find_decoder(AV_CODEC_ID_OPUS);
            }
        } catch (Throwable t) {
            throw new DecoderException("FFmpeg could not be loaded: " + t, t);
        }
        if (codec == null || codec.isNull()) {
            throw new DecoderException("this FFmpeg build has no Opus decoder");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        if (ctx == null || ctx.isNull()) {
            throw new DecoderException("FFmpeg could not allocate a decoder context");
        }
        ctx.thread_count(1);
        ctx.sample_rate(OPUS_RATE);
        avutil.av_channel_layout_uninit(ctx.ch_layout());
        avutil.av_channel_layout_default(ctx.ch_layout(), channels);
        ctx.request_sample_fmt(AV_SAMPLE_FMT_FLT);
        int rc = avcodec.avcodec_open2(ctx, codec, (AVDictionary) null);
        if (rc < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new DecoderException("opus: avcodec_open2 failed: " + FfmpegError.describe(rc));
        }
        return new AudioDecoder(channels, outputSampleRate, codec.name().getString(), ctx);
    }

    /**
     * The channel count an Opus packet was encoded with, from the stereo flag of its TOC byte (RFC 6716 §3.1):
     * 1 or 2, or 0 for an empty packet.
     */
    public static int opusChannels(byte[] packet, int len) {
        return len < 1 ? 0 : ((packet[0] >> 2) & 1) + 1;
    }

    /**
     * Decodes one Opus packet ({@code packet[0..len)}, copied) and hands the resampled PCM to {@code out}.
     *
     * @return {@link DecodeResult#OK}, or {@link DecodeResult#DROPPED} if the decoder rejected the packet (the
     *         next packet decodes normally)
     */
    public DecodeResult decode(byte[] opusPacket, int len, long ptsNanos, Consumer<AudioBatch> out) {
        checkOpen();
        Objects.checkFromIndexSize(0, len, opusPacket.length);
        packets++;
        if (len == 0 || len > MAX_PACKET_BYTES) {
            return drop("packet of " + len + " bytes");
        }
        DecodeResult result = send(opusPacket, len, ptsNanos, out);
        if (result == DecodeResult.OK) {
            int frames = frameCount(opusPacket, len);
            if (frames > 0) {
                lastToc = opusPacket[0] & 0xff;
                lastFrameCount = frames;
            }
        }
        return result;
    }

    /**
     * Conceals one lost packet, assumed as long as the last good one, emitting the concealed audio at
     * {@code ptsNanos} (the lost packet's presentation time). Does nothing before the first good packet.
     */
    public void conceal(long ptsNanos, Consumer<AudioBatch> out) {
        checkOpen();
        if (lastToc < 0) {
            return;
        }
        concealedPackets++;
        // A code-0 packet that is only a TOC byte holds one frame of length zero: libopus conceals one frame of
        // the TOC's duration. Repeat for each frame the lost packet is assumed to have carried.
        lossPacket[0] = (byte) (lastToc & 0xfc);
        long frameNanos = frameSamples48k(lastToc) * 1_000_000_000L / OPUS_RATE;
        for (int i = 0; i < lastFrameCount; i++) {
            send(lossPacket, 1, ptsNanos + i * frameNanos, out);
        }
    }

    private DecodeResult send(byte[] data, int len, long ptsNanos, Consumer<AudioBatch> out) {
        ensureInputCapacity(len);
        input.position(0).put(data, 0, len);
        Pointer.memset(input.position(len), 0, AV_INPUT_BUFFER_PADDING_SIZE);
        input.position(0);
        packet.data(input).size(len).pts(ptsNanos).dts(AV_NOPTS_VALUE).flags(0);
        int rc = avcodec.avcodec_send_packet(context, packet);
        if (rc < 0) {
            drain(ptsNanos, out);
            return drop("send: " + FfmpegError.describe(rc));
        }
        return drain(ptsNanos, out);
    }

    private DecodeResult drain(long ptsNanos, Consumer<AudioBatch> out) {
        while (true) {
            int rc = avcodec.avcodec_receive_frame(context, received);
            if (rc == FfmpegError.EAGAIN || rc == FfmpegError.EOF) {
                return DecodeResult.OK;
            }
            if (rc < 0) {
                return drop("receive: " + FfmpegError.describe(rc));
            }
            try {
                long pts = received.pts() == AV_NOPTS_VALUE ? ptsNanos : received.pts();
                AudioBatch batch = resample(pts);
                if (batch != null) {
                    batches++;
                    out.accept(batch);
                }
            } finally {
                avutil.av_frame_unref(received);
            }
        }
    }

    private AudioBatch resample(long ptsNanos) {
        int inSamples = received.nb_samples();
        if (inSamples <= 0) {
            return null;
        }
        prepareResampler();
        // The first sample out of this call is the one delayed by what the resampler still holds.
        long delayNanos = swresample.swr_get_delay(swr, 1_000_000_000L);
        int maxOut = swresample.swr_get_out_samples(swr, inSamples);
        ensureOutputCapacity(maxOut);
        outputPlanes.put(0, output);
        int n = swresample.swr_convert(swr, outputPlanes, outputCapacitySamples, received.extended_data(), inSamples);
        if (n < 0) {
            drop("resample: " + FfmpegError.describe(n));
            return null;
        }
        if (n == 0) {
            return null;
        }
        double[] samples = new double[n * channels];
        output.position(0).get(samples);
        return new AudioBatch(samples, outputRate, channels, ptsNanos - delayNanos, n);
    }

    private void prepareResampler() {
        int format = received.format();
        int rate = received.sample_rate();
        int inChannels = received.ch_layout().nb_channels();
        if (swr != null && format == swrInFormat && rate == swrInRate && inChannels == swrInChannels) {
            return;
        }
        if (swr != null) {
            swresample.swr_free(swr);
        }
        swr = new SwrContext(null);
        int rc = swresample.swr_alloc_set_opts2(swr, outLayout, AV_SAMPLE_FMT_DBL, outputRate,
                received.ch_layout(), format, rate, 0, null);
        if (rc >= 0) {
            rc = swresample.swr_init(swr);
        }
        if (rc < 0) {
            swresample.swr_free(swr);
            swr = null;
            swrInFormat = -1;
            throw new DecoderException("swresample cannot convert " + inChannels + " channels of format " + format
                    + " at " + rate + " Hz: " + FfmpegError.describe(rc));
        }
        swrInFormat = format;
        swrInRate = rate;
        swrInChannels = inChannels;
    }

    private DecodeResult drop(String why) {
        errors++;
        lastError = why;
        return DecodeResult.DROPPED;
    }

    /** Number of frames in an Opus packet (RFC 6716 §3.2), or 0 if the packet is malformed. */
    static int frameCount(byte[] packet, int len) {
        if (len < 1) {
            return 0;
        }
        return switch (packet[0] & 0x03) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> len < 2 ? 0 : packet[1] & 0x3f;
        };
    }

    /** Samples per frame at 48 kHz for a TOC byte's configuration (RFC 6716 §3.1, Table 2). */
    static int frameSamples48k(int toc) {
        int config = (toc >> 3) & 0x1f;
        if (config < 12) { // SILK-only: 10, 20, 40, 60 ms
            return new int[] {480, 960, 1920, 2880}[config & 3];
        }
        if (config < 16) { // hybrid: 10, 20 ms
            return (config & 1) == 0 ? 480 : 960;
        }
        return new int[] {120, 240, 480, 960}[config & 3]; // CELT-only: 2.5, 5, 10, 20 ms
    }

    public int channels() {
        return channels;
    }

    public int outputSampleRate() {
        return outputRate;
    }

    /** FFmpeg's decoder name ({@code libopus}, or {@code opus} where libopus is missing). */
    public String decoderName() {
        return decoderName;
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

    public long concealedPackets() {
        return concealedPackets;
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
        if (swr != null) {
            swresample.swr_free(swr);
            swr = null;
        }
        if (outLayout != null) {
            avutil.av_channel_layout_uninit(outLayout);
            outLayout.close();
            outLayout = null;
        }
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
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("audio decoder is closed");
        }
    }

    private void ensureInputCapacity(int len) {
        if (len <= inputCapacity) {
            return;
        }
        int capacity = Math.max(len, inputCapacity * 2);
        if (input != null) {
            input.close();
        }
        input = new BytePointer((long) capacity + AV_INPUT_BUFFER_PADDING_SIZE);
        inputCapacity = capacity;
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
