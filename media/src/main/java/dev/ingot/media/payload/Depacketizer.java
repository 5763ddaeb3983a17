package dev.ingot.media.payload;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Turns the RTP packets of one stream, in sequence order, into complete encoded frames (RFC 6184, 7741, 9628,
 * 7798, the AOM AV1 payload format, 7587). Decoding starts at a keyframe: video depacketizers drop frames until the first keyframe, and after a
 * loss that breaks the reference chain they drop again until the next one, meanwhile reporting
 * {@link #needsKeyframe()} so the transport can send a PLI. Opus never waits.
 *
 * <p>Packets must come in sequence order (from a jitter buffer); a gap in sequence numbers is a loss, a
 * slightly older sequence number is dropped as late (see {@link #MAX_MISORDER}). Push padding-only packets
 * too (empty payload), or their sequence numbers look lost. Malformed payloads never throw: they are dropped
 * and counted in {@link #stats()}. Not thread-safe; one instance per stream.
 */
public interface Depacketizer {

    /** Size cap of one frame in bytes: a frame that would grow beyond it is dropped. */
    int MAX_FRAME_BYTES = 8 << 20;

    /**
     * A packet at most this many sequence numbers behind the previous one is late and dropped; one further
     * behind is taken as a jump of the sender's sequence numbers (RFC 3550 A.1) and handled like a loss.
     */
    int MAX_MISORDER = 1024;

    /** Takes the next packet; hands every frame it completes to {@code out}, on this thread, before returning. */
    void push(RtpMedia packet, Consumer<EncodedFrame> out);

    /**
     * True while frames are being dropped for want of a keyframe (after a loss broke decoding, or when the
     * stream did not start with one); false again once a keyframe has been emitted. Always false for Opus.
     * The caller rate-limits the PLIs it sends.
     */
    boolean needsKeyframe();

    /** Forgets the frame in progress and sequence state, and waits for a keyframe again; counters are kept. */
    void reset();

    /** A snapshot of the counters. */
    DepacketizerStats stats();

    /**
     * A depacketizer for an SDP rtpmap encoding name ({@code H264}, {@code VP8}, {@code VP9}, {@code H265},
     * {@code AV1}, {@code opus}; case-insensitive) with the format's fmtp parameters ({@code a=fmtp} value without
     * the payload type, may be null). H264 takes {@code sprop-parameter-sets} from it, H265 {@code sprop-vps/sps/pps}
     * and whether DONL fields are present.
     *
     * @throws IllegalArgumentException for another encoding
     */
    static Depacketizer forEncoding(String encodingName, String fmtp) {
        return switch (encodingName.toUpperCase(Locale.ROOT)) {
            case "H264" -> H264Depacketizer.fromFmtp(fmtp);
            case "VP8" -> new Vp8Depacketizer();
            case "VP9" -> new Vp9Depacketizer();
            case "H265" -> H265Depacketizer.fromFmtp(fmtp);
            case "AV1" -> new Av1Depacketizer();
            case "OPUS" -> new OpusDepacketizer();
            default -> throw new IllegalArgumentException("no depacketizer for encoding " + encodingName);
        };
    }
}
