package dev.ingot.media.payload;

/**
 * One complete encoded frame for a decoder: an H264 or H265 access unit in Annex B form, a VP8 frame, a VP9 frame
 * or superframe, an AV1 temporal unit, or an Opus packet. {@code data} is owned by the frame (a fresh array of
 * exactly the frame's length), so it can be handed to another thread. Everything a decoder needs to know about
 * what came before (losses, gaps) travels in the frame, so frames may be decoded on any thread.
 *
 * @param data the frame's bytes, exactly {@code data.length} long
 * @param rtpTimestamp the RTP timestamp shared by the frame's packets (0..2^32-1)
 * @param keyframe the frame can be decoded without earlier frames (always true for Opus)
 * @param discontinuity packets or frames were lost or dropped between the previous emitted frame and this one
 * @param firstArrivalNanos arrival time of the frame's first packet
 * @param lastArrivalNanos arrival time of the frame's last packet
 * @param lostPackets Opus: RTP packets missing (by sequence number) just before this one; 0 for video
 * @param gapSamples Opus: 48 kHz samples missing between the end of the previous packet (its timestamp plus its
 *     duration) and this one's timestamp, from lost packets or a pause in sending (DTX); 0 when it follows on
 *     directly, and always 0 for video
 */
public record EncodedFrame(byte[] data, long rtpTimestamp, boolean keyframe, boolean discontinuity,
                           long firstArrivalNanos, long lastArrivalNanos, int lostPackets, int gapSamples) {

    /** A frame with no loss information (video). */
    public EncodedFrame(byte[] data, long rtpTimestamp, boolean keyframe, boolean discontinuity,
            long firstArrivalNanos, long lastArrivalNanos) {
        this(data, rtpTimestamp, keyframe, discontinuity, firstArrivalNanos, lastArrivalNanos, 0, 0);
    }

    /** The frame's size in bytes. */
    public int length() {
        return data.length;
    }
}
