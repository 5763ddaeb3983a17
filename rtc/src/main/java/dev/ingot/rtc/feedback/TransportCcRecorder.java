package dev.ingot.rtc.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The receiver side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * records the arrival time of every packet carrying the transport-wide sequence number header extension and,
 * every feedback interval, hands out {@link TransportCcBatch}es for the sender's delay-based bandwidth estimator.
 *
 * <p>Each received packet is reported exactly once. The main batch runs from the first sequence number not yet
 * covered to the highest received one, reporting the gaps as not received. A packet that arrives after its
 * number was already covered (reported lost) gets its own small batch in the next poll, so the sender learns it
 * did arrive. Batches are split so each fits {@code maxFeedbackBytes} and so every receive delta fits its 16-bit
 * field. Memory is a fixed window of the last {@value #WINDOW} sequence numbers; older arrivals are ignored.
 */
public final class TransportCcRecorder {
    /**
     * Tunables.
     *
     * @param feedbackIntervalNanos minimum spacing of feedback (libwebrtc uses 50-250 ms, 100 ms by default)
     * @param maxFeedbackBytes      upper bound of one feedback RTCP packet's size, header included
     */
    public record Config(long feedbackIntervalNanos, int maxFeedbackBytes) {
        public Config {
            if (feedbackIntervalNanos < 0) {
                throw new IllegalArgumentException("feedback interval must not be negative");
            }
            if (maxFeedbackBytes < 64) {
                throw new IllegalArgumentException("max feedback bytes must be at least 64");
            }
        }

        /** Feedback every 100 ms, at most 1000 bytes per packet (room for SRTCP and a UDP/IP MTU of 1200). */
        public static Config defaults() {
            return new Config(100_000_000L, 1000);
        }
    }

    /** Sequence numbers tracked (a power of two). */
    static final int WINDOW = 4096;
    /** RTCP header, sender and media SSRC, base/count, reference time/fb count. */
    static final int HEADER_BYTES = 20;
    private static final long TICKS_PER_REFERENCE = TransportCcBatch.REFERENCE_TIME_UNIT_NANOS
            / TransportCcBatch.DELTA_TICK_NANOS;

    private static final byte NONE = 0;
    private static final byte PENDING = 1;
    private static final byte REPORTED = 2;

    private final Config config;
    /** Bytes available to chunks and deltas (3 kept for padding to a 32-bit boundary). */
    private final int budget;
    private final byte[] state = new byte[WINDOW];
    private final long[] arrival = new long[WINDOW];
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();

    private boolean started;
    private long highest;
    /** First sequence number not yet covered by a main batch. */
    private long nextSeq;
    private boolean reportedAny;
    private int pending;
    private int feedbackPacketCount;
    private boolean haveSent;
    private long lastSentAt;

    private long packetsRecorded;
    private long duplicates;
    private long tooOld;
    private long droppedUnreported;
    private long batchesSent;

    public TransportCcRecorder() {
        this(Config.defaults());
    }

    public TransportCcRecorder(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.budget = config.maxFeedbackBytes() - HEADER_BYTES - 3;
    }

    /**
     * Records one packet's arrival.
     *
     * @param transportSequenceNumber the transport-wide sequence number from the header extension (16 bits)
     * @param arrivalNanos            arrival time on the session's monotonic clock
     */
    public void onPacket(int transportSequenceNumber, long arrivalNanos) {
        long extended = unwrapper.unwrap(transportSequenceNumber);
        if (!started) {
            started = true;
            highest = extended;
            nextSeq = extended;
        } else if (extended > highest) {
            slideTo(extended);
        } else if (extended <= highest - WINDOW) {
            tooOld++;
            return;
        }
        int slot = slot(extended);
        if (state[slot] != NONE) {
            duplicates++;
            return;
        }
        state[slot] = PENDING;
        arrival[slot] = arrivalNanos;
        pending++;
        packetsRecorded++;
        if (!reportedAny && extended < nextSeq) {
            nextSeq = extended; // reordering before the first feedback: start from the lowest number
        }
    }

    /**
     * The feedback to send now, in order; empty if nothing new arrived or the last feedback went out less than a
     * feedback interval ago.
     */
    public List<TransportCcBatch> pollFeedback(long nowNanos) {
        if (pending == 0 || haveSent && nowNanos - lastSentAt < config.feedbackIntervalNanos()) {
            return List.of();
        }
        long windowStart = highest - WINDOW + 1;
        if (nextSeq < windowStart) {
            nextSeq = windowStart;
        }
        List<TransportCcBatch> batches = new ArrayList<>();
        long s = windowStart;
        while (s <= highest && pending > 0) {
            if (state[slot(s)] != PENDING) {
                s++;
                continue;
            }
            long end;
            if (s < nextSeq) {
                end = buildBatch(s, nextSeq - 1, batches); // a late arrival below what was already covered
            } else {
                long maxLeadingGap = (long) ((budget - 2) / 2) * 7 - 1;
                if (s - nextSeq > maxLeadingGap) {
                    nextSeq = s - maxLeadingGap; // older losses would not fit one packet; leave them unreported
                }
                end = buildBatch(nextSeq, highest, batches);
                nextSeq = end + 1;
            }
            s = end + 1;
        }
        if (batches.isEmpty()) {
            return List.of();
        }
        reportedAny = true;
        haveSent = true;
        lastSentAt = nowNanos;
        return batches;
    }

    /** Builds one batch from {@code base} (at most to {@code last}); returns the last sequence number it covers. */
    private long buildBatch(long base, long last, List<TransportCcBatch> out) {
        List<TransportCcBatch.PacketStatus> statuses = new ArrayList<>();
        int deltaBytes = 0;
        int receivedEnd = 0; // statuses up to the last received one
        boolean anyReceived = false;
        long referenceTime = 0;
        long previousTicks = 0;
        for (long s = base; s <= last; s++) {
            byte st = state[slot(s)];
            if (st == REPORTED) {
                break;
            }
            int chunkBytes = (statuses.size() + 1 + 6) / 7 * 2;
            if (st == PENDING) {
                long ticks = Math.floorDiv(arrival[slot(s)], TransportCcBatch.DELTA_TICK_NANOS);
                long delta;
                if (!anyReceived) {
                    referenceTime = Math.floorDiv(ticks, TICKS_PER_REFERENCE);
                    delta = ticks - referenceTime * TICKS_PER_REFERENCE;
                } else {
                    delta = ticks - previousTicks;
                    if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
                        break;
                    }
                }
                int cost = delta >= 0 && delta <= 255 ? 1 : 2;
                if (chunkBytes + deltaBytes + cost > budget) {
                    break;
                }
                statuses.add(TransportCcBatch.PacketStatus.received((int) delta));
                deltaBytes += cost;
                previousTicks = ticks;
                anyReceived = true;
                receivedEnd = statuses.size();
            } else {
                if (chunkBytes + deltaBytes > budget) {
                    break;
                }
                statuses.add(TransportCcBatch.PacketStatus.NOT_RECEIVED);
            }
        }
        List<TransportCcBatch.PacketStatus> covered = statuses.subList(0, receivedEnd);
        for (int i = 0; i < receivedEnd; i++) {
            int slot = slot(base + i);
            if (state[slot] == PENDING) {
                state[slot] = REPORTED;
                pending--;
            }
        }
        out.add(new TransportCcBatch(
                (int) (base & 0xFFFF), (int) (referenceTime & 0xFFFFFF), feedbackPacketCount, covered));
        feedbackPacketCount = (feedbackPacketCount + 1) & 0xFF;
        batchesSent++;
        return base + receivedEnd - 1;
    }

    private void slideTo(long newHighest) {
        if (newHighest - highest >= WINDOW) {
            for (int i = 0; i < WINDOW; i++) {
                if (state[i] == PENDING) {
                    droppedUnreported++;
                }
                state[i] = NONE;
            }
            pending = 0;
        } else {
            for (long s = highest + 1; s <= newHighest; s++) {
                int slot = slot(s);
                if (state[slot] == PENDING) {
                    droppedUnreported++;
                    pending--;
                }
                state[slot] = NONE;
            }
        }
        highest = newHighest;
    }

    private static int slot(long extended) {
        return (int) (extended & (WINDOW - 1));
    }

    /**
     * When {@link #pollFeedback} will next have something to send: {@code Long.MAX_VALUE} if nothing is pending,
     * otherwise the time the interval allows (possibly in the past).
     */
    public long nextFeedbackAtNanos() {
        if (pending == 0) {
            return Long.MAX_VALUE;
        }
        return haveSent ? lastSentAt + config.feedbackIntervalNanos() : Long.MIN_VALUE;
    }

    /** Packets recorded (first arrival of each sequence number). */
    public long packetsRecorded() {
        return packetsRecorded;
    }

    /** Arrivals of a sequence number already recorded. */
    public long duplicates() {
        return duplicates;
    }

    /** Arrivals too far behind the highest sequence number to be tracked. */
    public long tooOld() {
        return tooOld;
    }

    /** Recorded packets that left the window before any feedback reported them (polling too rarely). */
    public long droppedUnreported() {
        return droppedUnreported;
    }

    /** Feedback batches handed out. */
    public long batchesSent() {
        return batchesSent;
    }
}
