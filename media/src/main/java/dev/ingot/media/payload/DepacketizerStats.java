package dev.ingot.media.payload;

/**
 * Counters of one {@link Depacketizer}, for stats and tests. Every packet that is not turned into part of an
 * emitted frame is counted in exactly one reason, or belongs to a dropped frame counted here.
 *
 * @param packets packets pushed
 * @param paddingPackets packets with an empty payload (sequence-number fillers)
 * @param duplicatePackets packets whose sequence number equals the previous one
 * @param latePackets packets older than the previous one (reordered after it; use a jitter buffer in front)
 * @param malformedPackets payloads that break their payload format's rules, including the unsupported
 *     packet types (H264 STAP-B, MTAP16/24, FU-B); their frame is dropped
 * @param framesEmitted frames handed to the consumer
 * @param keyframesEmitted emitted frames that were keyframes
 * @param framesDroppedBroken frames dropped because a packet in them was lost or malformed
 * @param framesDroppedWaitingForKeyframe complete frames dropped while waiting for a keyframe
 * @param framesDroppedOversize frames dropped because they grew beyond the size cap
 * @param keyframeRequests times the depacketizer started asking for a keyframe ({@code needsKeyframe} turned true)
 */
public record DepacketizerStats(long packets, long paddingPackets, long duplicatePackets, long latePackets,
                                long malformedPackets, long framesEmitted, long keyframesEmitted,
                                long framesDroppedBroken, long framesDroppedWaitingForKeyframe,
                                long framesDroppedOversize, long keyframeRequests) {
}
