package dev.ingot.rtc.feedback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Tracks the missing packets of one RTP stream: which to request with generic NACKs (RFC 4585 §6.2.1) and when,
 * when to give up and ask for a keyframe instead, and how many were lost for good. With {@code maxRetries} 0 it
 * only tracks (a stream without NACK: audio, or video of a publisher that repairs by keyframes).
 *
 * <p>Feed it every sequence number of the media stream, with whether it came as a retransmission (RTX,
 * {@link #onPacket}); call {@link #pollNacks} when {@link #nextPollNanos} says. Rules:
 * <ul>
 *   <li><b>Reordering is not loss.</b> A gap is first NACKed once it has been open longer than the reorder window
 *       the path has shown ({@link ReorderWindow}), or earlier if waiting that long would leave the resend no time
 *       to arrive before the playout deadline ({@link #setMaxAgeNanos}).</li>
 *   <li><b>Retries</b> every {@code max(1.5 * RTT, minRetryInterval)}, at most {@code maxRetries} NACKs per
 *       packet.</li>
 *   <li><b>Give up</b> a packet when it is older than the playout deadline, when its last retry went unanswered,
 *       or when no resend asked for now could arrive before the deadline; a stream without NACK gives up a gap
 *       once it is older than the reorder window. Every give-up raises the keyframe signal
 *       ({@link #pollKeyframeNeeded}) and counts in {@link #givenUp()}: packets never received in time. A gap
 *       that would leave more than {@code maxMissing} packets missing is given up at once.</li>
 *   <li><b>What came back.</b> A missing packet that arrives as a retransmission counts as recovered (and, NACKed
 *       exactly once, gives an RTT sample, as in Karn's algorithm). One that arrives unflagged after a NACK is,
 *       when the stream has an RTX repair stream, the late original (reordering, a reorder sample); without one
 *       it may be the resend (publishers that resend on the media SSRC, such as libdatachannel) or the late
 *       original: it counts as recovered, and if a second copy arrives within a few round trips the first was
 *       the original after all, and it is counted again as reordered.</li>
 * </ul>
 * Sequence numbers are unwrapped, so gaps across 65535 work. Memory is bounded by {@code maxMissing}; the missing
 * packets are kept sorted in parallel arrays, so arrivals and polls do not allocate (a poll that NACKs allocates
 * its result list).
 */
public final class NackGenerator {
    /**
     * Tunables.
     *
     * @param maxRetries            how many times one sequence number is NACKed at most; 0 tracks only
     * @param minRetryIntervalNanos lower bound of the spacing between NACKs of the same packet
     * @param maxAgeNanos           initial playout deadline: give up a packet this long after it went missing
     *                              (see {@link #setMaxAgeNanos})
     * @param maxMissing            largest number of packets tracked; a gap beyond that means a keyframe
     * @param minNackIntervalNanos  at most one NACK list per this interval (one RTCP NACK packet)
     * @param maxNacksPerPoll       most sequence numbers in one NACK list; the rest wait for the next poll
     */
    public record Config(
            int maxRetries,
            long minRetryIntervalNanos,
            long maxAgeNanos,
            int maxMissing,
            long minNackIntervalNanos,
            int maxNacksPerPoll) {
        public Config {
            if (maxRetries < 0 || minRetryIntervalNanos < 0 || maxAgeNanos <= 0 || maxMissing < 1
                    || minNackIntervalNanos < 0 || maxNacksPerPoll < 1) {
                throw new IllegalArgumentException("invalid NACK configuration: " + this);
            }
        }

        /** 10 NACKs per packet at least 20 ms apart, 1 s deadline until told, 500 missing at most, one NACK
         * list per 5 ms of at most 256 sequence numbers. */
        public static Config defaults() {
            return new Config(10, 20_000_000L, 1_000_000_000L, 500, 5_000_000L, 256);
        }

        /** Tracking only: no NACKs (a stream that cannot be repaired by retransmission). */
        public static Config trackOnly() {
            return new Config(0, 20_000_000L, 1_000_000_000L, 500, 5_000_000L, 256);
        }
    }

    /** A sequence number this far behind the highest one, twice in a row, means the sender restarted. */
    static final int RESTART_DISTANCE = 10_000;
    /** NACKed packets that arrived unflagged, remembered to spot a second copy (see the class comment). */
    static final int RECENT = 64;
    /** How long such a packet is remembered: a second copy later than this is not looked for. */
    static final long RECENT_MIN_NANOS = 100_000_000L;

    private final Config config;
    private final RttEstimator rtt;
    private final boolean repairStream;
    private final ReorderWindow reorder = new ReorderWindow();
    private long maxAgeNanos;

    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private boolean started;
    private long highest;
    private long restartCandidate = Long.MIN_VALUE;

    // missing packets, sorted by extended sequence number
    private final long[] missingSeq;
    private final long[] detectedAt;
    private final long[] lastNackAt;
    private final int[] nackCount;
    private final boolean[] picked;
    private int size;

    // NACKed packets that arrived unflagged (no repair stream): a ring
    private final long[] recentSeq = new long[RECENT];
    private final long[] recentDetectedAt = new long[RECENT];
    private final long[] recentNackAt = new long[RECENT];
    private final long[] recentArrivedAt = new long[RECENT];
    private final boolean[] recentNackedOnce = new boolean[RECENT];
    private int recentNext;
    private int recentCount;

    private boolean haveNacked;
    private long lastListAt;
    private boolean keyframeNeeded;

    private long nacksSent;
    private long nackListsSent;
    private long recovered;
    private long reordered;
    private long reorderedAfterNack;
    private long givenUp;

    /** A NACKing generator with {@link Config#defaults()}, its own RTT estimate and no repair stream. */
    public NackGenerator() {
        this(Config.defaults(), new RttEstimator(), false);
    }

    /**
     * @param config       tunables
     * @param rtt          the round-trip estimate used for timing; receives NACK-to-resend delays
     * @param repairStream true when resends come on an RTX stream ({@link #onPacket} then gets
     *                     {@code retransmitted}); false when they come on the media SSRC itself
     */
    public NackGenerator(Config config, RttEstimator rtt, boolean repairStream) {
        this.config = Objects.requireNonNull(config, "config");
        this.rtt = Objects.requireNonNull(rtt, "rtt");
        this.repairStream = repairStream;
        this.maxAgeNanos = config.maxAgeNanos();
        int n = config.maxMissing();
        missingSeq = new long[n];
        detectedAt = new long[n];
        lastNackAt = new long[n];
        nackCount = new int[n];
        picked = new boolean[n];
    }

    /** The playout deadline, e.g. the jitter buffer's current target: resends later than that are useless. */
    public void setMaxAgeNanos(long maxAgeNanos) {
        if (maxAgeNanos <= 0) {
            throw new IllegalArgumentException("max age must be positive");
        }
        this.maxAgeNanos = maxAgeNanos;
    }

    public long maxAgeNanos() {
        return maxAgeNanos;
    }

    /** {@link #onPacket(int, long, boolean)} for a packet that is not a retransmission. */
    public void onPacket(int sequenceNumber, long nowNanos) {
        onPacket(sequenceNumber, nowNanos, false);
    }

    /**
     * Accounts one received packet of the media stream.
     *
     * @param sequenceNumber the media sequence number (for RTX: the original sequence number from its payload)
     * @param nowNanos       arrival time
     * @param retransmitted  true if it came on the RTX repair stream
     */
    public void onPacket(int sequenceNumber, long nowNanos, boolean retransmitted) {
        if (!started) {
            started = true;
            unwrapper.reset();
            highest = unwrapper.unwrap(sequenceNumber);
            return;
        }
        long extended = unwrapper.peek(sequenceNumber);
        if (highest - extended > RESTART_DISTANCE && indexOf(extended) < 0) {
            if (extended == restartCandidate) {
                // two sequential packets far behind: a new numbering, old losses are moot
                size = 0;
                recentCount = 0;
                started = false;
                restartCandidate = Long.MIN_VALUE;
                onPacket(sequenceNumber, nowNanos, retransmitted);
            } else {
                restartCandidate = extended + 1;
            }
            return;
        }
        extended = unwrapper.unwrap(sequenceNumber);
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
                arrivedMissing(i, extended, nowNanos, retransmitted);
            } else if (!retransmitted) {
                secondCopy(extended, nowNanos);
            }
        }
    }

    private void arrivedMissing(int i, long extended, long nowNanos, boolean retransmitted) {
        if (nackCount[i] == 0) {
            reordered++;
            reorder.onSample(nowNanos - detectedAt[i], nowNanos);
        } else if (retransmitted) {
            recovered++;
            if (nackCount[i] == 1) {
                rtt.onSample(nowNanos - lastNackAt[i]);
            }
        } else if (repairStream) {
            // resends come on the RTX stream: this is the original, late
            reordered++;
            reorderedAfterNack++;
            reorder.onSample(nowNanos - detectedAt[i], nowNanos);
        } else {
            recovered++;
            remember(extended, detectedAt[i], lastNackAt[i], nackCount[i] == 1, nowNanos);
        }
        remove(i);
    }

    private void remember(long extended, long detected, long nackedAt, boolean nackedOnce, long nowNanos) {
        int r = recentNext;
        recentSeq[r] = extended;
        recentDetectedAt[r] = detected;
        recentNackAt[r] = nackedAt;
        recentArrivedAt[r] = nowNanos;
        recentNackedOnce[r] = nackedOnce;
        recentNext = (r + 1) % RECENT;
        recentCount = Math.min(RECENT, recentCount + 1);
    }

    /** A packet we already had: if it is a NACKed one that came unflagged, the first copy was the original. */
    private void secondCopy(long extended, long nowNanos) {
        for (int k = 0; k < recentCount; k++) {
            int r = (recentNext - 1 - k + RECENT) % RECENT;
            if (recentSeq[r] == extended) {
                recovered--;
                reordered++;
                reorderedAfterNack++;
                reorder.onSample(recentArrivedAt[r] - recentDetectedAt[r], nowNanos);
                if (recentNackedOnce[r]) {
                    rtt.onSample(nowNanos - recentNackAt[r]);
                }
                recentSeq[r] = Long.MIN_VALUE;
                return;
            }
        }
    }

    /** Remembered packets that no second copy followed were resends: their NACK-to-arrival delay is an RTT. */
    private void expireRecent(long nowNanos) {
        long keep = Math.max(RECENT_MIN_NANOS, 4 * rtt.rttNanos());
        while (recentCount > 0) {
            int oldest = (recentNext - recentCount + RECENT) % RECENT;
            if (nowNanos - recentArrivedAt[oldest] < keep) {
                return;
            }
            if (recentSeq[oldest] != Long.MIN_VALUE && recentNackedOnce[oldest]) {
                rtt.onSample(recentArrivedAt[oldest] - recentNackAt[oldest]);
            }
            recentCount--;
        }
    }

    private long retryInterval() {
        long r = rtt.rttNanos();
        return Math.max(r + r / 2, config.minRetryIntervalNanos());
    }

    /**
     * The round trip a resend takes, for deadline decisions: 0 while nothing was measured (a guessed RTT must
     * not stop us from trying, or it could never be measured).
     */
    private long measuredRtt() {
        return rtt.samples() > 0 ? rtt.rttNanos() : 0;
    }

    /** How long after it went missing a packet gets its first NACK (or, tracking only, is given up). */
    private long firstNackDelay(long window) {
        if (config.maxRetries() == 0) {
            return window;
        }
        long r = measuredRtt();
        return Math.max(0, Math.min(window, maxAgeNanos - r - r / 4));
    }

    /**
     * The sequence numbers (16-bit, in sending order) to put in a NACK now; empty if none are due or a NACK list
     * went out less than {@code minNackInterval} ago. At most {@code maxNacksPerPoll}: packets never NACKed take
     * precedence over retries. Also gives up packets (see the class comment).
     */
    public List<Integer> pollNacks(long nowNanos) {
        expireRecent(nowNanos);
        long retryInterval = retryInterval();
        long firstDelay = firstNackDelay(reorder.windowNanos(nowNanos));
        long r = measuredRtt();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            long age = nowNanos - detectedAt[i];
            boolean giveUp;
            if (config.maxRetries() == 0) {
                giveUp = age >= firstDelay;
            } else if (nackCount[i] == 0) {
                giveUp = age > maxAgeNanos || r > 0 && age >= firstDelay && age + r > maxAgeNanos;
            } else {
                boolean retryDue = nowNanos - lastNackAt[i] >= retryInterval;
                giveUp = age > maxAgeNanos
                        || retryDue && (nackCount[i] >= config.maxRetries() || r > 0 && age + r > maxAgeNanos);
            }
            if (giveUp) {
                giveUp(1);
                continue;
            }
            if (kept != i) {
                move(i, kept);
            }
            kept++;
        }
        size = kept;
        if (config.maxRetries() == 0 || haveNacked && nowNanos - lastListAt < config.minNackIntervalNanos()) {
            return List.of();
        }
        // first NACKs (fresh losses) before retries, so retries of an old burst cannot starve new losses; oldest
        // first within each kind
        int room = config.maxNacksPerPoll();
        for (int i = 0; i < size && room > 0; i++) {
            picked[i] = nackCount[i] == 0 && nowNanos - detectedAt[i] >= firstDelay;
            if (picked[i]) {
                room--;
            }
        }
        for (int i = 0; i < size && room > 0; i++) {
            if (!picked[i] && nackCount[i] > 0 && nowNanos - lastNackAt[i] >= retryInterval) {
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

    /**
     * When {@link #pollNacks} next has something to do (a first NACK, a retry or a give-up); {@code Long.MAX_VALUE}
     * when nothing is missing. May be in the past.
     */
    public long nextPollNanos(long nowNanos) {
        if (size == 0) {
            return Long.MAX_VALUE;
        }
        long retryInterval = retryInterval();
        long firstDelay = firstNackDelay(reorder.windowNanos(nowNanos));
        long t = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            long due = nackCount[i] == 0 ? detectedAt[i] + firstDelay : lastNackAt[i] + retryInterval;
            t = Math.min(t, Math.min(due, detectedAt[i] + maxAgeNanos + 1));
        }
        if (haveNacked && config.maxRetries() > 0) {
            t = Math.max(t, lastListAt + config.minNackIntervalNanos());
        }
        return t;
    }

    /** True once after packets were given up (too old, out of retries, or too many missing): request a keyframe. */
    public boolean pollKeyframeNeeded() {
        boolean needed = keyframeNeeded;
        keyframeNeeded = false;
        return needed;
    }

    /** Packets currently missing and still being waited for. */
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

    /** NACKed packets whose resend arrived (see the class comment for resends on the media SSRC). */
    public long recovered() {
        return recovered;
    }

    /** Packets that arrived late, not lost: before any NACK, or as the original after one. */
    public long reordered() {
        return reordered;
    }

    /** Of {@link #reordered()}, those NACKed before they arrived (needless NACKs). */
    public long reorderedAfterNack() {
        return reorderedAfterNack;
    }

    /** Missing packets given up: never received in time (or dropped as part of a too-large burst). */
    public long givenUp() {
        return givenUp;
    }

    /** The reorder window in use now. */
    public long reorderWindowNanos(long nowNanos) {
        return reorder.windowNanos(nowNanos);
    }

    private void giveUp(long count) {
        givenUp += count;
        keyframeNeeded = true;
    }

    private void append(long extended, long nowNanos) {
        missingSeq[size] = extended;
        detectedAt[size] = nowNanos;
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
        System.arraycopy(lastNackAt, i + 1, lastNackAt, i, tail);
        System.arraycopy(nackCount, i + 1, nackCount, i, tail);
        size--;
    }

    private void move(int from, int to) {
        missingSeq[to] = missingSeq[from];
        detectedAt[to] = detectedAt[from];
        lastNackAt[to] = lastNackAt[from];
        nackCount[to] = nackCount[from];
    }
}
