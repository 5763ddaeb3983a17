package dev.ingot.server.sidechannel;

import dev.ingot.media.frame.AudioBatch;
import java.nio.ByteBuffer;
import java.util.regex.Pattern;

/**
 * The side channel's wire format (Smelter's): every message is a big-endian {@code u32} body length followed by
 * the body. Video body: {@code u32 width, u32 height, u64 pts_nanos, width*height*4 bytes RGBA}. Audio body:
 * {@code u64 start_pts_nanos, u32 sample_rate, u8 channels, u32 samples_per_channel, f64 samples interleaved}.
 * See docs/side-channel.md.
 */
public final class SideChannelWireFormat {
    /** Bytes of the length prefix in front of every body. */
    public static final int LENGTH_BYTES = 4;
    /** Bytes of a video body before its pixels: width, height, pts. */
    public static final int VIDEO_HEADER_BYTES = 4 + 4 + 8;
    /** Bytes of an audio body before its samples: start pts, sample rate, channels, samples per channel. */
    public static final int AUDIO_HEADER_BYTES = 8 + 4 + 1 + 4;
    /** Messages a video reader may have waiting before new ones are dropped for it (Smelter's capacity). */
    public static final int VIDEO_QUEUE_CAPACITY = 1;
    /** Messages an audio reader may have waiting before new ones are dropped for it (Smelter's capacity). */
    public static final int AUDIO_QUEUE_CAPACITY = 10;
    /** Largest picture side the format carries (the decoder's own limit); bounds what a reader must allocate. */
    public static final int MAX_DIMENSION = 16384;

    private static final Pattern INPUT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private SideChannelWireFormat() {
    }

    /** File name of an input's video socket: {@code video_<input_id>.sock}. */
    public static String videoSocketName(String inputId) {
        return "video_" + checkedId(inputId) + ".sock";
    }

    /** File name of an input's audio socket: {@code audio_<input_id>.sock}. */
    public static String audioSocketName(String inputId) {
        return "audio_" + checkedId(inputId) + ".sock";
    }

    private static String checkedId(String inputId) {
        if (inputId == null || !INPUT_ID.matcher(inputId).matches()) {
            throw new IllegalArgumentException("input id not usable in a socket file name: " + inputId);
        }
        return inputId;
    }

    /** Body length of a video message for a {@code width x height} picture. */
    public static long videoBodyLength(int width, int height) {
        return VIDEO_HEADER_BYTES + (long) width * height * 4;
    }

    /**
     * The first 20 bytes of a video message (length prefix, width, height, pts), to be followed by the
     * {@code width * height * 4} RGBA bytes; a fresh heap buffer positioned at 0.
     */
    public static ByteBuffer videoPrefix(int width, int height, long ptsNanos) {
        if (width <= 0 || height <= 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new IllegalArgumentException("bad size " + width + "x" + height);
        }
        ByteBuffer b = ByteBuffer.allocate(LENGTH_BYTES + VIDEO_HEADER_BYTES);
        b.putInt((int) videoBodyLength(width, height)).putInt(width).putInt(height).putLong(ptsNanos);
        return b.flip();
    }

    /**
     * A whole audio message (length prefix and body) for {@code batch} with start PTS {@code ptsNanos}: the first
     * {@code samplesPerChannel * channels} samples, as big-endian f64. A fresh read-only heap buffer at 0.
     */
    public static ByteBuffer audioMessage(AudioBatch batch, long ptsNanos) {
        int count = batch.samplesPerChannel() * batch.channels(); // the record guarantees it fits its array
        long body = AUDIO_HEADER_BYTES + 8L * count;
        if (body > Integer.MAX_VALUE - LENGTH_BYTES) {
            throw new IllegalArgumentException("audio batch too large: " + count + " samples");
        }
        ByteBuffer b = ByteBuffer.allocate(LENGTH_BYTES + (int) body);
        b.putInt((int) body).putLong(ptsNanos).putInt(batch.sampleRate()).put((byte) batch.channels())
                .putInt(batch.samplesPerChannel());
        b.asDoubleBuffer().put(batch.samples(), 0, count);
        return b.clear().asReadOnlyBuffer();
    }
}
