package dev.ingot.media.jitter;

/**
 * Counters and current state of one {@link JitterBuffer}, for stats and tests.
 *
 * @param received packets pushed
 * @param released packets handed out by {@code pop}
 * @param duplicates packets dropped because the same sequence number was held or already released
 * @param late packets dropped because their sequence number had already been skipped as lost
 * @param lost sequence numbers skipped without a packet (never arrived before their deadline)
 * @param overflowDropped held packets dropped, oldest first, to stay within {@code maxPackets}, or because
 *     the sequence numbers restarted
 * @param reordered packets that arrived after a higher sequence number
 * @param maxReorderDepth the largest distance in sequence numbers by which a packet came late
 * @param timestampJumps times the RTP-to-arrival time mapping was re-synchronized after a jump
 * @param sequenceRestarts times the buffer started over because the sender's sequence numbers jumped
 * @param size packets held now
 * @param bufferedNanos media time held now: from the oldest to the newest held packet's timestamp
 * @param targetDelayNanos the current playout delay target
 * @param jitterNanos the RFC 3550 §6.4.1 interarrival jitter estimate, in nanoseconds
 */
public record JitterBufferStats(long received, long released, long duplicates, long late, long lost,
                                long overflowDropped, long reordered, long maxReorderDepth, long timestampJumps,
                                long sequenceRestarts, int size, long bufferedNanos, long targetDelayNanos,
                                long jitterNanos) {
}
