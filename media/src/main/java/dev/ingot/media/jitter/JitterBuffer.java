package dev.ingot.media.jitter;

import dev.ingot.media.payload.RtpMedia;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * An adaptive jitter buffer for the RTP packets of one stream: takes them as they arrive (reordered,
 * duplicated, some lost) and releases them in sequence order when their playout time comes. Sans-IO: every
 * time is a parameter ({@link RtpMedia#arrivalNanos()} and {@code nowNanos}, one monotonic clock).
 *
 * <p><b>Playout time.</b> Each packet's RTP timestamp is mapped to the local clock with the smallest transit
 * time ({@code arrival - timestamp}) seen in a sliding window of about 10 s, i.e. the arrival time the packet
 * would have had with the least network delay seen lately. Its deadline is that time plus the target delay
 * (and never later than its own arrival plus the target). A packet is released by {@link #pop} once the
 * deadline of the next sequence number has passed. A missing sequence number is waited for until the
 * deadline of the next packet held (the latest it could be played without delaying that one), so a NACK and
 * retransmission can fill it; then it is skipped and counted as lost. The consumer sees the skip as a gap in
 * sequence numbers, which is how a {@code Depacketizer} learns a frame broke.
 *
 * <p><b>Target delay.</b> It starts at the floor ({@code buffer_size_ms}) and follows the largest recent
 * delay demand: each packet's delay variation (its transit minus the window's smallest, which covers network
 * jitter, bursts, reordering and retransmissions that arrive late) plus a safety margin, and delays reported
 * with {@link #onRetransmissionDelay}. It grows at once, shrinks by {@code shrinkNanosPerSecond} (slowly), and
 * is kept within [floor, cap].
 *
 * <p><b>Defaults</b> ({@link Config#video} and {@link Config#audio}), modelled on Smelter, which keeps the
 * target within [v, v + 80] ms when {@code buffer_size_ms = v} is set and within [240, 320] ms when absent:
 * <ul>
 *   <li>video: floor = {@code buffer_size_ms}, cap = floor + 80 ms. When absent, the server passes its default
 *       ({@link Config#video(OptionalDouble, double)}): floor = {@code SMELTER_INPUT_BUFFER_DURATION_MS} (80 ms
 *       unless set), cap = max(floor + 80, 320) ms: a deliberate difference from Smelter's 240 ms floor, for a
 *       quicker first picture and lower latency, the target growing when the network asks for it (README,
 *       differences). {@link Config#video(OptionalDouble)} alone keeps Smelter's 240 ms. 2048 packets.</li>
 *   <li>audio: floor = min(video floor, 60 ms); cap = floor + 80 ms; 256 packets. Audio packets are small
 *       and an audio decoder conceals losses, so audio gets its own shorter buffer (streams are aligned
 *       downstream by timestamp, not by buffer delay).</li>
 *   <li>both: shrink 5 ms per second (so 80 ms of growth goes away in 16 s); margin 10 ms.</li>
 * </ul>
 *
 * <p>Bounded memory: at most {@code maxPackets} sequence numbers are held; a newer packet beyond that drops
 * the oldest held ones (counted). Handles 16-bit sequence number and 32-bit timestamp wrap, and a jump of the
 * sender's sequence numbers (two consecutive packets far outside the window restart the buffer). Not
 * thread-safe.
 */
public final class JitterBuffer {

    /** What {@link #push} did with a packet. */
    public enum PushResult {
        /** Held for playout. */
        ACCEPTED,
        /** Dropped: the same sequence number is held or was already released. */
        DUPLICATE,
        /** Dropped: its sequence number was already skipped as lost (e.g. a retransmission too late). */
        LATE
    }

    /**
     * Settings of a jitter buffer.
     *
     * @param floorNanos the smallest and starting target delay ({@code buffer_size_ms})
     * @param capNanos the largest target delay
     * @param shrinkNanosPerSecond how fast the target comes back down once the demand for delay has gone
     * @param marginNanos added to each observed delay to form the target demand
     * @param maxPackets the most sequence numbers held at once (2..16384)
     */
    public record Config(long floorNanos, long capNanos, long shrinkNanosPerSecond, long marginNanos,
                         int maxPackets) {
        /** Smelter's floor when {@code buffer_size_ms} is absent. */
        public static final double DEFAULT_VIDEO_FLOOR_MS = 240;
        /** How far above the floor the target may grow (Smelter: 80 ms). */
        public static final double ADAPTIVE_RANGE_MS = 80;
        /** The audio floor never exceeds this. */
        public static final double MAX_AUDIO_FLOOR_MS = 60;
        public static final double SHRINK_MS_PER_SECOND = 5;
        public static final double MARGIN_MS = 10;
        public static final int VIDEO_MAX_PACKETS = 2048;
        public static final int AUDIO_MAX_PACKETS = 256;

        public Config {
            if (floorNanos < 0 || capNanos < floorNanos || shrinkNanosPerSecond < 0 || marginNanos < 0) {
                throw new IllegalArgumentException("need 0 <= floor <= cap, shrink >= 0, margin >= 0");
            }
            if (maxPackets < 2 || maxPackets > 16384) {
                throw new IllegalArgumentException("maxPackets must be within 2..16384: " + maxPackets);
            }
        }

        /** The video defaults for an input's optional {@code buffer_size_ms}. */
        public static Config video(OptionalDouble bufferSizeMs) {
            double floor = floorMs(bufferSizeMs);
            return new Config(millis(floor), millis(floor + ADAPTIVE_RANGE_MS), millis(SHRINK_MS_PER_SECOND),
                    millis(MARGIN_MS), VIDEO_MAX_PACKETS);
        }

        /** Where a target that started from the server-wide default may grow to. */
        public static final double DEFAULT_CAP_MS = 320;

        /**
         * Video with a server-wide default floor ({@code SMELTER_INPUT_BUFFER_DURATION_MS}) when {@code buffer_size_ms}
         * is absent: the target starts low, for a quick first picture, and may grow up to
         * max(default + 80, 320) ms when the network asks for it (Smelter's absent-value range ends at 320 too).
         * With {@code buffer_size_ms = v}: [v, v + 80], as {@link #video}.
         */
        public static Config video(OptionalDouble bufferSizeMs, double defaultFloorMs) {
            if (bufferSizeMs.isPresent()) {
                return video(bufferSizeMs);
            }
            double cap = Math.max(defaultFloorMs + ADAPTIVE_RANGE_MS, DEFAULT_CAP_MS);
            return new Config(millis(defaultFloorMs), millis(cap), millis(SHRINK_MS_PER_SECOND), millis(MARGIN_MS),
                    VIDEO_MAX_PACKETS);
        }

        /** Audio with a server-wide default floor, as {@link #video(OptionalDouble, double)}. */
        public static Config audio(OptionalDouble bufferSizeMs, double defaultFloorMs) {
            return audio(bufferSizeMs.isPresent() ? bufferSizeMs
                    : OptionalDouble.of(Math.min(defaultFloorMs, MAX_AUDIO_FLOOR_MS)));
        }

        /** The audio defaults for an input's optional {@code buffer_size_ms}. */
        public static Config audio(OptionalDouble bufferSizeMs) {
            double floor = Math.min(floorMs(bufferSizeMs), MAX_AUDIO_FLOOR_MS);
            return new Config(millis(floor), millis(floor + ADAPTIVE_RANGE_MS), millis(SHRINK_MS_PER_SECOND),
                    millis(MARGIN_MS), AUDIO_MAX_PACKETS);
        }

        private static double floorMs(OptionalDouble bufferSizeMs) {
            double v = bufferSizeMs.orElse(DEFAULT_VIDEO_FLOOR_MS);
            if (!(v >= 0) || v > 3_600_000) {
                throw new IllegalArgumentException("buffer_size_ms out of range: " + v);
            }
            return v;
        }

        private static long millis(double ms) {
            return Math.round(ms * 1_000_000);
        }
    }

    private static final byte EMPTY = 0;
    private static final byte HELD = 1;
    private static final byte RELEASED = 2;
    private static final long SECOND = 1_000_000_000L;
    private static final long BUCKET_NANOS = SECOND;
    private static final int BUCKETS = 10;
    private static final int[] NO_SEQUENCE_NUMBERS = new int[0];

    private final Config config;
    private final int clockRate;
    private final long resyncNanos;

    // the ring: slot = extended sequence number & mask
    private final int mask;
    private final RtpMedia[] packets;
    private final long[] slotSeq;
    private final long[] slotTs;
    private final byte[] slotState;
    private int count;

    // sequence state (extended, i.e. unwrapped, numbers)
    private boolean started;
    private boolean releasedAny;
    private long headSeq;
    private long highestSeq;
    private long tsRef;
    private long tsOrigin;

    // delay estimate
    private boolean haveBase;
    private long base;
    private final long[] bucketMin = new long[BUCKETS];
    private final long[] bucketId = new long[BUCKETS];
    private boolean havePrevTransit;
    private long prevTransit;
    private long jitterNanos;
    private long peak;
    private long peakAt;

    // counters
    private long received;
    private long released;
    private long duplicates;
    private long late;
    private long lost;
    private long overflowDropped;
    private long reordered;
    private long maxReorderDepth;
    private long timestampJumps;
    private long sequenceRestarts;
    private int restartCandidate = -1;

    /**
     * @param config the delay range and limits
     * @param clockRate the RTP clock rate of the stream (90000 for video, 48000 for Opus)
     */
    public JitterBuffer(Config config, int clockRate) {
        this.config = Objects.requireNonNull(config, "config");
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.clockRate = clockRate;
        this.resyncNanos = Math.max(SECOND, 2 * config.capNanos());
        int ring = Integer.highestOneBit(config.maxPackets() - 1) << 1;
        this.mask = ring - 1;
        this.packets = new RtpMedia[ring];
        this.slotSeq = new long[ring];
        this.slotTs = new long[ring];
        this.slotState = new byte[ring];
        this.peakAt = Long.MIN_VALUE;
    }

    public Config config() {
        return config;
    }

    /**
     * Takes a packet that arrived at {@code packet.arrivalNanos()}. Retransmissions are pushed here too, with
     * their original sequence number and timestamp; their delay feeds the target like any other packet's.
     */
    public PushResult push(RtpMedia packet) {
        received++;
        long arrival = packet.arrivalNanos();
        if (!started) {
            started = true;
            headSeq = packet.sequenceNumber();
            highestSeq = headSeq;
            tsRef = packet.timestamp();
            tsOrigin = tsRef;
        }
        long seq = highestSeq + (short) (packet.sequenceNumber() - (int) (highestSeq & 0xFFFF));
        long ts = tsRef + (int) (packet.timestamp() - (tsRef & 0xFFFF_FFFFL));
        if (seq < headSeq) {
            if (!releasedAny && highestSeq - seq < config.maxPackets()) {
                headSeq = seq; // reordered before the first release: wait for it like any packet
            } else {
                int idx = (int) (seq & mask);
                if (slotState[idx] == RELEASED && slotSeq[idx] == seq) {
                    duplicates++;
                    return PushResult.DUPLICATE;
                }
                if (headSeq - seq > config.maxPackets()) {
                    // far behind: either a stray packet or the sender's sequence numbers jumped (RFC 3550
                    // A.1); two consecutive ones mean a jump, and the buffer starts over from the second
                    if (restartCandidate == packet.sequenceNumber()) {
                        restart();
                        received--; // counted again below
                        return push(packet);
                    }
                    restartCandidate = (packet.sequenceNumber() + 1) & 0xFFFF;
                }
                late++;
                observe(ts, arrival, false);
                return PushResult.LATE;
            }
        }
        int idx = (int) (seq & mask);
        if (slotState[idx] == HELD && slotSeq[idx] == seq) {
            duplicates++;
            return PushResult.DUPLICATE;
        }
        if (seq - headSeq >= config.maxPackets()) {
            makeRoomFor(seq);
            idx = (int) (seq & mask);
        }
        packets[idx] = packet;
        slotSeq[idx] = seq;
        slotTs[idx] = ts;
        slotState[idx] = HELD;
        count++;
        boolean newest = seq > highestSeq;
        if (newest) {
            highestSeq = seq;
            tsRef = ts;
        } else if (seq < highestSeq) {
            reordered++;
            maxReorderDepth = Math.max(maxReorderDepth, highestSeq - seq);
        }
        observe(ts, arrival, newest || count == 1);
        return PushResult.ACCEPTED;
    }

    /**
     * The next packet whose playout time has come at {@code nowNanos}, in sequence order, or null. Skips
     * (and counts as lost) missing sequence numbers whose wait is over. Call until it returns null.
     */
    public RtpMedia pop(long nowNanos) {
        if (count == 0) {
            return null;
        }
        long seq = firstHeld();
        int idx = (int) (seq & mask);
        if (deadline(idx, nowNanos) > nowNanos) {
            return null;
        }
        lost += seq - headSeq;
        RtpMedia p = packets[idx];
        packets[idx] = null;
        slotState[idx] = RELEASED;
        count--;
        headSeq = seq + 1;
        releasedAny = true;
        released++;
        return p;
    }

    /** When {@link #pop} will next return a packet (if nothing else arrives), or {@link Long#MAX_VALUE} if empty. */
    public long nextDeadline(long nowNanos) {
        if (count == 0) {
            return Long.MAX_VALUE;
        }
        return deadline((int) (firstHeld() & mask), nowNanos);
    }

    /**
     * The sequence numbers (16-bit, ascending) missing between the next one to release and the newest one
     * received whose wait is not over at {@code nowNanos}: the candidates for a NACK (RFC 4585 §6.2.1).
     */
    public int[] missingSequenceNumbers(long nowNanos) {
        if (count == 0 || count == highestSeq - headSeq + 1) {
            return NO_SEQUENCE_NUMBERS;
        }
        long target = targetDelayNanos(nowNanos);
        int span = (int) (highestSeq - headSeq);
        int[] missing = new int[span];
        int n = 0;
        long nextHeldDeadline = Long.MIN_VALUE;
        for (long s = highestSeq; s >= headSeq; s--) {
            int idx = (int) (s & mask);
            if (slotState[idx] == HELD && slotSeq[idx] == s) {
                nextHeldDeadline = deadlineWithTarget(idx, target);
            } else if (nextHeldDeadline > nowNanos) {
                missing[n++] = (int) (s & 0xFFFF);
            }
        }
        int[] ascending = new int[n];
        for (int i = 0; i < n; i++) {
            ascending[i] = missing[n - 1 - i];
        }
        return ascending;
    }

    /**
     * Reports how long retransmissions take (e.g. from detecting a loss to the retransmission's arrival, or
     * the round-trip time plus the detection delay), so the target makes room for them before the next loss.
     */
    public void onRetransmissionDelay(long delayNanos, long nowNanos) {
        if (delayNanos > 0 && delayNanos <= resyncNanos) {
            raisePeak(delayNanos + config.marginNanos(), nowNanos);
        }
    }

    /** The playout delay target at {@code nowNanos}, within [floor, cap]. */
    public long targetDelayNanos(long nowNanos) {
        long p = decayedPeak(nowNanos);
        return Math.min(config.capNanos(), Math.max(config.floorNanos(), p));
    }

    /** Packets held now. */
    public int size() {
        return count;
    }

    /** Media time held now: from the oldest to the newest held packet's RTP timestamp, in nanoseconds. */
    public long bufferedNanos() {
        if (count == 0) {
            return 0;
        }
        long first = slotTs[(int) (firstHeld() & mask)];
        long last = slotTs[(int) (highestSeq & mask)];
        return Math.max(0, tsNanos(last) - tsNanos(first));
    }

    /** The RFC 3550 §6.4.1 interarrival jitter in RTP timestamp units, as a receiver report carries it. */
    public long interarrivalJitter() {
        return Math.round((double) jitterNanos * clockRate / SECOND);
    }

    public JitterBufferStats stats(long nowNanos) {
        return new JitterBufferStats(received, released, duplicates, late, lost, overflowDropped, reordered,
                maxReorderDepth, timestampJumps, sequenceRestarts, count, bufferedNanos(), targetDelayNanos(nowNanos), jitterNanos);
    }

    /** Drops every held packet and forgets sequence and timing state (a new stream); counters are kept. */
    public void reset() {
        overflowDropped += count;
        forgetStream();
        peak = 0;
        peakAt = Long.MIN_VALUE;
    }

    /** Starts over at a sequence number jump: held packets are dropped, the delay target is kept. */
    private void restart() {
        overflowDropped += count;
        sequenceRestarts++;
        forgetStream();
    }

    private void forgetStream() {
        restartCandidate = -1;
        Arrays.fill(packets, null);
        Arrays.fill(slotState, EMPTY);
        count = 0;
        started = false;
        releasedAny = false;
        haveBase = false;
        havePrevTransit = false;
        jitterNanos = 0;
    }

    // ---- internals ----

    /** The lowest held sequence number (count > 0). */
    private long firstHeld() {
        for (long s = headSeq; ; s++) {
            int idx = (int) (s & mask);
            if (slotState[idx] == HELD && slotSeq[idx] == s) {
                return s;
            }
        }
    }

    private long deadline(int idx, long nowNanos) {
        return deadlineWithTarget(idx, targetDelayNanos(nowNanos));
    }

    /** The held packet's expected arrival with the least delay seen lately (never after its arrival), plus the target. */
    private long deadlineWithTarget(int idx, long target) {
        long expected = Math.min(tsNanos(slotTs[idx]) + base, packets[idx].arrivalNanos());
        return expected + target;
    }

    /** Drops the oldest held packets until {@code seq} fits; if nothing is left, jumps straight to it. */
    private void makeRoomFor(long seq) {
        long newHead = seq - config.maxPackets() + 1;
        while (headSeq < newHead && count > 0) {
            int idx = (int) (headSeq & mask);
            if (slotState[idx] == HELD && slotSeq[idx] == headSeq) {
                packets[idx] = null;
                slotState[idx] = EMPTY;
                count--;
                overflowDropped++;
            } else {
                lost++;
            }
            headSeq++;
        }
        if (count == 0 && headSeq < seq) {
            lost += seq - headSeq;
            headSeq = seq;
        }
    }

    /** Feeds one packet's timing into the base transit, the RFC 3550 jitter and the target demand. */
    private void observe(long ts, long arrival, boolean newest) {
        long transit = arrival - tsNanos(ts);
        if (!haveBase) {
            startWindow(transit, arrival);
        } else if (Math.abs(transit - base) > resyncNanos) {
            if (!newest) {
                return; // an old packet far off the mapping: no use for the estimate
            }
            timestampJumps++;
            startWindow(transit, arrival);
        }
        long bucket = Math.floorDiv(arrival, BUCKET_NANOS);
        int b = (int) Math.floorMod(bucket, BUCKETS);
        if (bucketId[b] != bucket) {
            bucketId[b] = bucket;
            bucketMin[b] = transit;
        } else if (transit < bucketMin[b]) {
            bucketMin[b] = transit;
        }
        long min = Long.MAX_VALUE;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketId[i] > bucket - BUCKETS && bucketId[i] <= bucket && bucketMin[i] < min) {
                min = bucketMin[i];
            }
        }
        base = min;
        if (havePrevTransit) {
            long d = Math.abs(transit - prevTransit);
            jitterNanos += (d - jitterNanos) / 16; // RFC 3550 §6.4.1
        }
        prevTransit = transit;
        havePrevTransit = true;
        raisePeak(Math.max(0, transit - base) + config.marginNanos(), arrival);
    }

    private void startWindow(long transit, long arrival) {
        haveBase = true;
        base = transit;
        havePrevTransit = false;
        Arrays.fill(bucketId, Long.MIN_VALUE);
        long bucket = Math.floorDiv(arrival, BUCKET_NANOS);
        int b = (int) Math.floorMod(bucket, BUCKETS);
        bucketId[b] = bucket;
        bucketMin[b] = transit;
    }

    private long decayedPeak(long nowNanos) {
        if (peakAt == Long.MIN_VALUE || nowNanos <= peakAt) {
            return peak;
        }
        double decay = (double) (nowNanos - peakAt) * config.shrinkNanosPerSecond() / SECOND;
        return decay >= peak ? 0 : peak - (long) decay;
    }

    private void raisePeak(long demand, long nowNanos) {
        if (nowNanos > peakAt) {
            peak = decayedPeak(nowNanos);
            peakAt = nowNanos;
        }
        peak = Math.max(peak, Math.min(demand, config.capNanos()));
    }

    /** An extended RTP timestamp as nanoseconds since the stream's first timestamp. */
    private long tsNanos(long ts) {
        long rel = ts - tsOrigin;
        return Math.floorDiv(rel, clockRate) * SECOND + Math.floorMod(rel, clockRate) * SECOND / clockRate;
    }
}
