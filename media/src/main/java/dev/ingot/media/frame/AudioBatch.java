package dev.ingot.media.frame;

/**
 * A batch of decoded PCM: interleaved 64-bit float samples (L,R,L,R… for stereo), the format of Smelter's
 * audio side channel, at the mixing sample rate.
 *
 * <p>The array belongs to the batch once built: producers hand over a fresh array and nobody writes to it
 * afterwards, so a batch may be shared between threads and consumers without copying.
 *
 * @param samples            interleaved samples in [-1, 1]; at least {@code samplesPerChannel * channels} long
 * @param sampleRate         samples per second per channel (8000, 12000, 16000, 24000 or 48000 in Ingot)
 * @param channels           1 (mono) or 2 (stereo)
 * @param startPtsNanos      presentation time of the first sample
 * @param samplesPerChannel  number of samples in each channel
 */
public record AudioBatch(double[] samples, int sampleRate, int channels, long startPtsNanos, int samplesPerChannel) {
    public AudioBatch {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("channels must be 1 or 2, got " + channels);
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, got " + sampleRate);
        }
        if (samplesPerChannel < 0 || (long) samplesPerChannel * channels > samples.length) {
            throw new IllegalArgumentException("samplesPerChannel " + samplesPerChannel + " x " + channels
                    + " channels does not fit " + samples.length + " samples");
        }
    }

    /** How long the batch plays. */
    public long durationNanos() {
        return samplesPerChannel * 1_000_000_000L / sampleRate;
    }

    /** The sample of channel {@code channel} at index {@code i} (per channel). */
    public double sample(int i, int channel) {
        return samples[i * channels + channel];
    }
}
