package dev.ingot.rtc.feedback;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reception statistics for one received SSRC, producing the values of an RTCP report block: sequence number
 * tracking with wrap, probation and restart (RFC 3550 Appendix A.1), cumulative and interval loss (§6.4.1, A.3),
 * interarrival jitter (A.8) and the LSR/DLSR echo of the sender's last SR.
 *
 * <p>What counts as received (choices beyond the RFC's pseudo-code):
 * <ul>
 *   <li>Duplicates are not counted. A.1 counts every valid packet, so a duplicated packet makes the loss count
 *       go down (even negative); here a bitmap of the last {@value #HISTORY_BITS} sequence numbers filters out
 *       any number already counted. Packets older than the start of the stream (below the base sequence
 *       number) are not counted either, so {@code received <= expected} always holds.</li>
 *   <li>Packets recovered through an RTX repair stream (RFC 4588) are not counted as received on the media
 *       SSRC; report them with {@link #onRecovered} (a counter only). The report then tells the sender the loss
 *       the network caused, which is what its loss-based rate control needs; libwebrtc does the same.
 *       Retransmissions sent on the media SSRC itself (no RTX negotiated) are indistinguishable from late
 *       originals and are counted once, like any late packet.</li>
 *   <li>While on probation (the first {@code minSequential - 1} packets) and for a lone packet far outside the
 *       expected range, {@link #onPacket} returns {@code false} and nothing is counted, as in A.1.</li>
 *   <li>Jitter is updated for every counted packet; it restarts its transit baseline when the clock rate
 *       changes or the source restarts.</li>
 * </ul>
 */
public final class ReceiveStatistics {
    /**
     * A.1's tunables.
     *
     * @param minSequential sequential packets needed before a source is valid (A.1 uses 2; 1 accepts the first)
     * @param maxDropout    largest forward jump still taken as loss rather than a restart (A.1: 3000)
     * @param maxMisorder   how far behind the highest a packet may arrive and still count (A.1: 100); must be
     *                      below {@value #HISTORY_BITS}. Raise it for streams retransmitted without RTX.
     */
    public record Config(int minSequential, int maxDropout, int maxMisorder) {
        public Config {
            if (minSequential < 1) {
                throw new IllegalArgumentException("minSequential must be at least 1");
            }
            if (maxMisorder < 0 || maxMisorder >= HISTORY_BITS) {
                throw new IllegalArgumentException("maxMisorder must be 0.." + (HISTORY_BITS - 1));
            }
            if (maxDropout < 1 || maxDropout + maxMisorder >= SEQ_MOD) {
                throw new IllegalArgumentException("maxDropout must be positive and leave room for maxMisorder");
            }
        }

        /** RFC 3550 A.1's values: MIN_SEQUENTIAL 2, MAX_DROPOUT 3000, MAX_MISORDER 100. */
        public static Config defaults() {
            return new Config(2, 3000, 100);
        }
    }

    static final int SEQ_MOD = 1 << 16;
    /** Sequence numbers remembered for duplicate detection (a power of two). */
    static final int HISTORY_BITS = 2048;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ssrc;
    private final Config config;

    // A.1 state
    private boolean initialized;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = SEQ_MOD + 1;
    private int probation;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private final long[] history = new long[HISTORY_BITS / 64];

    // A.8 state: jitter scaled by 16 (the integer variant of A.8)
    private long jitterQ4;
    private int transit;
    private boolean haveTransit;
    private int transitClockRate;

    // last SR
    private boolean haveSr;
    private long lastSr;
    private long lastSrArrivalNanos;

    private boolean receivedSinceReport;
    private long duplicates;
    private long recovered;
    private long restarts;

    /** Statistics for {@code ssrc} (unsigned 32 bits) with RFC 3550's default tunables. */
    public ReceiveStatistics(long ssrc) {
        this(ssrc, Config.defaults());
    }

    public ReceiveStatistics(long ssrc, Config config) {
        if (ssrc < 0 || ssrc > ReportBlockValues.UINT32_MAX) {
            throw new IllegalArgumentException("ssrc must be an unsigned 32-bit value");
        }
        this.ssrc = ssrc;
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Accounts one RTP packet received on this SSRC.
     *
     * @param sequenceNumber the RTP sequence number (low 16 bits used)
     * @param rtpTimestamp   the RTP timestamp (low 32 bits used)
     * @param arrivalNanos   when it arrived, on the session's monotonic clock
     * @param clockRate      the payload's RTP clock rate in Hz (90000 for video, 48000 for Opus)
     * @return true if the packet was counted; false for a duplicate, a packet on probation, or a lone jump
     */
    public boolean onPacket(int sequenceNumber, long rtpTimestamp, long arrivalNanos, int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive");
        }
        int seq = sequenceNumber & 0xFFFF;
        if (!initialized) {
            initSeq(seq);
            maxSeq = (seq - 1) & 0xFFFF;
            probation = config.minSequential();
            initialized = true;
        }
        if (!updateSeq(seq)) {
            return false;
        }
        received++;
        receivedSinceReport = true;
        updateJitter((int) rtpTimestamp, arrivalNanos, clockRate);
        return true;
    }

    /**
     * Notes a packet of this SSRC recovered from a repair stream (RTX). Only counted in
     * {@link #packetsRecovered()}; see the class comment for why it does not change the loss figures.
     */
    public void onRecovered(int sequenceNumber) {
        recovered++;
    }

    /**
     * Remembers the sender's last SR for the LSR/DLSR fields.
     *
     * @param ntpTimestamp the SR's 64-bit NTP timestamp (seconds in the high 32 bits, fraction in the low 32)
     * @param arrivalNanos when the SR arrived, on the same clock as {@link #reportBlock}'s {@code nowNanos}
     */
    public void onSenderReport(long ntpTimestamp, long arrivalNanos) {
        lastSr = (ntpTimestamp >>> 16) & ReportBlockValues.UINT32_MAX;
        lastSrArrivalNanos = arrivalNanos;
        haveSr = true;
    }

    /**
     * The report block to send now, and the start of a new reporting interval (A.3's {@code expected_prior} and
     * {@code received_prior} move up). Empty while the source is not yet valid or when no packet was counted
     * since the previous block (RFC 3550 §6.4: blocks are for sources heard since the last report); the interval
     * then simply continues.
     */
    public Optional<ReportBlockValues> reportBlock(long nowNanos) {
        if (!isValid() || !receivedSinceReport) {
            return Optional.empty();
        }
        receivedSinceReport = false;
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        expectedPrior = expected;
        long receivedInterval = received - receivedPrior;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        return Optional.of(new ReportBlockValues(
                ssrc,
                Math.min(fraction, 255),
                ReportBlockValues.clampCumulativeLost(cumulativeLost()),
                extendedHighestSequenceNumber() & ReportBlockValues.UINT32_MAX,
                Math.min(interarrivalJitter(), ReportBlockValues.UINT32_MAX),
                haveSr ? lastSr : 0,
                haveSr ? delaySinceLastSr(nowNanos) : 0));
    }

    /** DLSR in 1/65536 s for a report sent at {@code nowNanos}: 0 if no SR yet, clamped to 32 bits. */
    long delaySinceLastSr(long nowNanos) {
        if (!haveSr) {
            return 0;
        }
        long delay = Math.max(0, nowNanos - lastSrArrivalNanos);
        long seconds = delay / NANOS_PER_SECOND;
        if (seconds >= SEQ_MOD) {
            return ReportBlockValues.UINT32_MAX;
        }
        long units = (seconds << 16) + (delay % NANOS_PER_SECOND) * SEQ_MOD / NANOS_PER_SECOND;
        return Math.min(units, ReportBlockValues.UINT32_MAX);
    }

    /** The SSRC these statistics are about. */
    public long ssrc() {
        return ssrc;
    }

    /** True once the source passed probation (A.1): packets are being counted. */
    public boolean isValid() {
        return initialized && probation == 0;
    }

    /** Highest sequence number with the wrap count in the bits above 16 (A.1's {@code cycles + max_seq}). */
    public long extendedHighestSequenceNumber() {
        return cycles + maxSeq;
    }

    /** Packets expected since the base sequence number (A.3). 0 before the source is valid. */
    public long expected() {
        return isValid() ? extendedHighestSequenceNumber() - baseSeq + 1 : 0;
    }

    /** Distinct packets counted since the base sequence number. */
    public long packetsReceived() {
        return received;
    }

    /** Expected minus received, unclamped (never negative here since duplicates are not counted). */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Interarrival jitter in RTP timestamp units (A.8, integer variant: {@code jitter >> 4}). */
    public long interarrivalJitter() {
        return jitterQ4 >> 4;
    }

    /** Duplicates dropped so far. */
    public long packetsDuplicated() {
        return duplicates;
    }

    /** Packets reported through {@link #onRecovered}. */
    public long packetsRecovered() {
        return recovered;
    }

    /** Times the source was found to have restarted its sequence numbers (two sequential packets after a jump). */
    public long restarts() {
        return restarts;
    }

    // ---- A.1 ----

    private void initSeq(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
        Arrays.fill(history, 0);
        markReceived(seq);
        haveTransit = false;
    }

    /** A.1's update_seq, plus duplicate filtering; true if the packet is to be counted. */
    private boolean updateSeq(int seq) {
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    initSeq(seq);
                    return true;
                }
            } else {
                probation = config.minSequential() - 1;
                maxSeq = seq;
            }
            return false;
        }
        if (udelta == 0) {
            duplicates++;
            return false;
        }
        if (udelta < config.maxDropout()) {
            // in order, with a permissible gap
            long oldExtended = extendedHighestSequenceNumber();
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
            advanceHistory(oldExtended, extendedHighestSequenceNumber());
            return true;
        }
        if (udelta <= SEQ_MOD - config.maxMisorder()) {
            // a very large jump
            if (seq == badSeq) {
                // two sequential packets: the other side restarted without telling us
                restarts++;
                initSeq(seq);
                return true;
            }
            badSeq = (seq + 1) & 0xFFFF;
            return false;
        }
        // late (reordered) or duplicate
        long extended = cycles + seq - (seq > maxSeq ? SEQ_MOD : 0);
        if (extended < baseSeq) {
            return false;
        }
        if (isMarked(extended)) {
            duplicates++;
            return false;
        }
        markReceived(extended);
        return true;
    }

    private void advanceHistory(long fromExclusive, long toInclusive) {
        if (toInclusive - fromExclusive >= HISTORY_BITS) {
            Arrays.fill(history, 0);
        } else {
            for (long s = fromExclusive + 1; s < toInclusive; s++) {
                int bit = (int) (s & (HISTORY_BITS - 1));
                history[bit >>> 6] &= ~(1L << bit);
            }
        }
        markReceived(toInclusive);
    }

    private void markReceived(long extended) {
        int bit = (int) (extended & (HISTORY_BITS - 1));
        history[bit >>> 6] |= 1L << bit;
    }

    private boolean isMarked(long extended) {
        int bit = (int) (extended & (HISTORY_BITS - 1));
        return (history[bit >>> 6] & (1L << bit)) != 0;
    }

    // ---- A.8 ----

    private void updateJitter(int rtpTimestamp, long arrivalNanos, int clockRate) {
        int arrival = (int) toTimestampUnits(arrivalNanos, clockRate);
        int newTransit = arrival - rtpTimestamp;
        if (haveTransit && transitClockRate == clockRate) {
            long d = Math.abs((long) (newTransit - transit)); // int subtraction: modulo 2^32, like A.8's C
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        transit = newTransit;
        transitClockRate = clockRate;
        haveTransit = true;
    }

    /** {@code nanos} on the RTP clock of {@code clockRate} Hz, rounded down, without overflow for any nanos. */
    static long toTimestampUnits(long nanos, int clockRate) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long remainder = Math.floorMod(nanos, NANOS_PER_SECOND);
        return seconds * clockRate + remainder * clockRate / NANOS_PER_SECOND;
    }
}
