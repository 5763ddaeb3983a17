package dev.ingot.media.payload;

/**
 * One complete encoded frame for a decoder: an H264 access unit in Annex B form, a VP8 frame, a VP9 frame or
 * superframe, or an Opus packet. {@code data} is owned by the frame (a fresh array of exactly the frame's
 * length), so it can be handed to another thread.
 *
 * @param data the frame's bytes, exactly {@code data.length} long
 * @param rtpTimestamp the RTP timestamp shared by the frame's packets (0..2^32-1)
 * @param keyframe the frame can be decoded without earlier frames (always true for Opus)
 * @param discontinuity packets or frames were lost or dropped between the previous emitted frame and this one
 *     (for Opus: the decoder may conceal or use in-band FEC for the gap)
 * @param firstArrivalNanos arrival time of the frame's first packet
 * @param lastArrivalNanos arrival time of the frame's last packet
 */
public record EncodedFrame(byte[] data, long rtpTimestamp, boolean keyframe, boolean discontinuity,
                           long firstArrivalNanos, long lastArrivalNanos) {

    /** The frame's size in bytes. */
    public int length() {
        return data.length;
    }
}
