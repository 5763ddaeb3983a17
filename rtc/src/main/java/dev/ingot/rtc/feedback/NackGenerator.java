package dev.ingot.rtc.feedback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Decides which lost RTP packets of one video stream to request with generic NACKs (RFC 4585 §6.2.1), when,
 * and when to give up and ask for a keyframe instead. Audio gets none: a retransmission would arrive after its
 * playout time.
 *
 * <p>Feed it every sequence number of the media stream, including those recovered from the RTX stream
 * ({@link #onPacket}); call {@link #pollNacks} on the session's timer. A missing packet is first NACKed after a
 * short reorder grace (a few ms, or once a few later packets arrived), then again every
 * {@code max(1.5 * RTT, minRetryInterval)} up to {@code maxRetries} times; it is given up when it gets older than
 * {@code maxAge} or its last retry went unanswered. A gap that would leave more than {@code maxMissing} packets
 * missing is not NACKed at all. Every give-up raises the keyframe signal ({@link #pollKeyframeNeeded}): the frame
 * that packet belonged to cannot be decoded. Sequence numbers are unwrapped, so gaps across 65535 work.
 *
 * <p>Memory is bounded by {@code maxMissing}; the missing packets are kept sorted in parallel arrays, so arrivals
 * and polls do not allocate (a poll that NACKs allocates its result list).
 */
public final class NackGenerator {
    /**
     * Tunables.
     *
     * @param reorderGraceNanos     how long a gap may stay open before its first NACK (reordering is not loss)
     * @param reorderPackets        ...or how many packets must have arrived since the gap opened (counting the one
     *                              that revealed it)
     * @param maxRetries            how many times one sequence number is NACKed at most
     * @param minRetryIntervalNanos lower bound of the spacing between NACKs of the same packet
     * @param maxAgeNanos           give up a packet this long after it went missing (the jitter buffer's
     *                              deadline; see {@link #setMaxAgeNanos})
     * @param maxMissing            largest number of packets tracked; a gap beyond that means a keyframe
     * @param minNackIntervalNanos  at most one NACK list per this interval (one RTCP NACK packet)
     * @param maxNacksPerPoll       most sequence numbers in one NACK list; the rest wait for the next poll
     */
    public record Config(
            long reorderGraceNanos,
            int reorderPackets,
            int maxRetries,
            long minRetryIntervalNanos,
            long maxAgeNanos,
            int maxMissing,
            long minNackIntervalNanos,
            int maxNacksPerPoll) {
        public Config {
            if (reorderGraceNanos < 0 || reorderPackets < 1 || maxRetries < 1 || minRetryIntervalNanos < 0
                    || maxAgeNanos <= 0 || maxMissing < 1 || minNackIntervalNanos < 0 || maxNacksPerPoll < 1) {
                throw new IllegalArgumentException("invalid NACK configuration: " + this);
            }
        }

        /** 5 ms or 3 packets of grace, 10 NACKs per packet at least 20 ms apart, 1 s max age, 500 missing at
         * most, one NACK list per 20 ms of at most 256 sequence numbers. */
        public static Config defaults() {
            return new Config(5_000_000L, 3, 10, 20_000_000L, 1_000_000_000L, 500, 20_000_000L, 256);
        }
    }

    /** A sequence number this far behind the highest one, twice in a row, means the sender restarted. */
    static final int RESTART_DISTANCE = 10_000;

    private final Config config;
    private final RttEstimator rttSink;
    private long maxAgeNanos;

    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private boolean started;
    private long highest;
    private long restartCandidate = Long.MIN_VALUE;
    private long packetsSeen;

    // missing packets, sorted by extended sequence number
    private final long[] missingSeq;
    private final long[] detectedAt;
    private final long[] seenAtDetection;
    private final long[] lastNackAt;
    private final int[] nackCount;
    private final boolean[] picked;
    private int size;

    private boolean haveNacked;
    private long lastListAt;
    private boolean keyframeNeeded;

    private long nacksSent;
    private long nackListsSent;
    private long recovered;
    private long reordered;
    private long givenUp;

    /** A generator with {@link Config#defaults()} and no RTT sampling. */
    public NackGenerator() {
        this(Config.defaults(), null);
    }

    /**
     * @param config  tunables
     * @param rttSink receives NACK-to-arrival delays of packets NACKed exactly once; may be null
     */
    public NackGenerator(Config config, RttEstimator rttSink) {
        this.config = Objects.requireNonNull(config, "config");
        this.rttSink = rttSink;
        this.maxAgeNanos = config.maxAgeNanos();
        int n = config.maxMissing();
        missingSeq = new long[n];
        detectedAt = new long[n];
        seenAtDetection = new long[n];
        lastNackAt = new long[n];
        nackCount = new int[n];
        picked = new boolean[n];
    }

    /** Changes the max age, e.g. to the jitter buffer's current latency: later retransmissions are useless. */
    public void setMaxAgeNanos(long maxAgeNanos) {
        if (maxAgeNanos <= 0) {
            throw new IllegalArgumentException("max age must be positive");
        }
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * Accounts one received packet of the media stream (original or recovered through RTX).
     *
     * @param sequenceNumber the media sequence number (for RTX: the original sequence number from its payload)
     * @param nowNanos       arrival time
     */
    public void onPacket(int sequenceNumber, long nowNanos) {
        if (!started) {
            started = true;
            unwrapper.reset();
            highest = unwrapper.unwrap(sequenceNumber);
            packetsSeen++;
            return;
        }
        long extended = unwrapper.peek(sequenceNumber);
        if (highest - extended > RESTART_DISTANCE && indexOf(extended) < 0) {
            if (extended == restartCandidate) {
                // two sequential packets far behind: a new numbering, old losses are moot
                size = 0;
                started = false;
                restartCandidate = Long.MIN_VALUE;
                onPacket(sequenceNumber, nowNanos);
            } else {
                restartCandidate = extended + 1;
            }
            return;
        }
        extended = unwrapper.unwrap(sequenceNumber);
        packetsSeen++;
        if (extended > highest) {
            long gap = extended - highest - 1;
            if (gap > 0) {
                if (size + gap > config.maxMissing()) {
                    giveUp(size + gap);
                    size = 0;
                } else {
                    for (long s = highest + 1; s < extended; s++) {
                        append(s, nowNanos);
                    }
                }
            }
            highest = extended;
        } else if (extended < highest) {
            int i = indexOf(extended);
            if (i >= 0) {
                if (nackCount[i] > 0) {
                    recovered++;
                    if (nackCount[i] == 1 && rttSink != null) {
                        rttSink.onSample(nowNanos - lastNackAt[i]);
                    }
                } else {
                    reordered++;
                }
                remove(i);
            }
        }
    }

    /**
     * The sequence numbers (16-bit, in sending order) to put in a NACK now; empty if none are due or a NACK list
     * went out less than {@code minNackInterval} ago. At most {@code maxNacksPerPoll}: packets never NACKed take
     * precedence over retries. Also gives up packets that are too old or out of retries.
     *
     * @param nowNanos current time
     * @param rttNanos current round-trip time estimate (see {@link RttEstimator})
     */
    public List<Integer> pollNacks(long nowNanos, long rttNanos) {
        long retryInterval = Math.max(rttNanos + rttNanos / 2, config.minRetryIntervalNanos());
        // pass 1: give up what is too old or out of retries, compact
        int kept = 0;
        for (int i = 0; i < size; i++) {
            boolean tooOld = nowNanos - detectedAt[i] > maxAgeNanos;
            boolean retriesSpent = nackCount[i] >= config.maxRetries() && nowNanos - lastNackAt[i] >= retryInterval;
            if (tooOld || retriesSpent) {
                giveUp(1);
                continue;
            }
            if (kept != i) {
                move(i, kept);
            }
            kept++;
        }
        size = kept;
        if (haveNacked && nowNanos - lastListAt < config.minNackIntervalNanos()) {
            return List.of();
        }
        // pass 2: first NACKs (fresh losses) before retries, so retries of an old burst cannot starve new
        // losses; oldest first within each kind
        int room = config.maxNacksPerPoll();
        for (int i = 0; i < size && room > 0; i++) {
            picked[i] = nackCount[i] == 0 && isDue(i, nowNanos, retryInterval);
            if (picked[i]) {
                room--;
            }
        }
        for (int i = 0; i < size && room > 0; i++) {
            if (!picked[i] && nackCount[i] > 0 && isDue(i, nowNanos, retryInterval)) {
                picked[i] = true;
                room--;
            }
        }
        if (room == config.maxNacksPerPoll()) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(config.maxNacksPerPoll() - room);
        for (int i = 0; i < size; i++) {
            if (picked[i]) {
                picked[i] = false;
                out.add((int) (missingSeq[i] & 0xFFFF));
                nackCount[i]++;
                lastNackAt[i] = nowNanos;
                nacksSent++;
            }
        }
        haveNacked = true;
        lastListAt = nowNanos;
        nackListsSent++;
        return Collections.unmodifiableList(out);
    }

    private boolean isDue(int i, long nowNanos, long retryInterval) {
        if (nackCount[i] == 0) {
            return nowNanos - detectedAt[i] >= config.reorderGraceNanos()
                    || packetsSeen - seenAtDetection[i] >= config.reorderPackets();
        }
        return nackCount[i] < config.maxRetries() && nowNanos - lastNackAt[i] >= retryInterval;
    }

    /** True once after packets were given up (too old, out of retries, or too many missing): request a keyframe. */
    public boolean pollKeyframeNeeded() {
        boolean needed = keyframeNeeded;
        keyframeNeeded = false;
        return needed;
    }

    /** Packets currently missing and still being asked for. */
    public int missing() {
        return size;
    }

    /** Sequence numbers put in NACKs so far, retries included. */
    public long nacksSent() {
        return nacksSent;
    }

    /** Non-empty NACK lists returned (one RTCP NACK packet each). */
    public long nackListsSent() {
        return nackListsSent;
    }

    /** NACKed packets that arrived afterwards. */
    public long recovered() {
        return recovered;
    }

    /** Packets that arrived late but before any NACK for them (reordering, not loss). */
    public long reordered() {
        return reordered;
    }

    /** Missing packets given up (never arrived in time, or dropped as part of a too-large burst). */
    public long givenUp() {
        return givenUp;
    }

    private void giveUp(long count) {
        givenUp += count;
        keyframeNeeded = true;
    }

    private void append(long extended, long nowNanos) {
        missingSeq[size] = extended;
        detectedAt[size] = nowNanos;
        seenAtDetection[size] = packetsSeen - 1; // the packet that revealed the gap comes after it
        lastNackAt[size] = 0;
        nackCount[size] = 0;
        size++;
    }

    private int indexOf(long extended) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = missingSeq[mid];
            if (v < extended) {
                lo = mid + 1;
            } else if (v > extended) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private void remove(int i) {
        int tail = size - i - 1;
        System.arraycopy(missingSeq, i + 1, missingSeq, i, tail);
        System.arraycopy(detectedAt, i + 1, detectedAt, i, tail);
        System.arraycopy(seenAtDetection, i + 1, seenAtDetection, i, tail);
        System.arraycopy(lastNackAt, i + 1, lastNackAt, i, tail);
        System.arraycopy(nackCount, i + 1, nackCount, i, tail);
        size--;
    }

    private void move(int from, int to) {
        missingSeq[to] = missingSeq[from];
        detectedAt[to] = detectedAt[from];
        seenAtDetection[to] = seenAtDetection[from];
        lastNackAt[to] = lastNackAt[from];
        nackCount[to] = nackCount[from];
    }
}
