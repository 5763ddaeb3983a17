package dev.ingot.rtc.feedback;

/**
 * A smoothed round-trip time for spacing NACK retries.
 *
 * <p>A pure receiver cannot measure RTT from RTCP reports: the RR's LSR/DLSR fields (RFC 3550 §6.4.1) let the
 * <em>sender</em> compute it, and a publisher's SRs carry no report blocks about us because we send no media.
 * RTT via RFC 3611 XR (RRTR/DLRR) needs the peer to opt in, and transport-cc feedback carries no RTT either.
 * So this estimator starts from a default (100 ms) and refines it with whatever samples the session has: the
 * NACK-to-retransmission delay measured by {@link NackGenerator} (using only packets NACKed exactly once, as in
 * Karn's algorithm), or an RTT learned elsewhere. Smoothing follows RFC 6298's SRTT: the first sample replaces
 * the default, later ones move it by 1/8.
 */
public final class RttEstimator {
    /** RTT assumed until a sample arrives. */
    public static final long DEFAULT_RTT_NANOS = 100_000_000L;
    /** Samples are clamped to [1 ms, 10 s] so one bogus measurement cannot stall or flood retries. */
    static final long MIN_SAMPLE_NANOS = 1_000_000L;
    static final long MAX_SAMPLE_NANOS = 10_000_000_000L;

    private long smoothedNanos;
    private long samples;

    /** Starts at {@link #DEFAULT_RTT_NANOS}. */
    public RttEstimator() {
        this(DEFAULT_RTT_NANOS);
    }

    /** Starts at {@code initialRttNanos} (must be positive). */
    public RttEstimator(long initialRttNanos) {
        if (initialRttNanos <= 0) {
            throw new IllegalArgumentException("initial RTT must be positive");
        }
        this.smoothedNanos = initialRttNanos;
    }

    /** Adds one RTT measurement in nanoseconds (clamped to [1 ms, 10 s]). */
    public void onSample(long rttNanos) {
        long sample = Math.clamp(rttNanos, MIN_SAMPLE_NANOS, MAX_SAMPLE_NANOS);
        if (samples == 0) {
            smoothedNanos = sample;
        } else {
            smoothedNanos += (sample - smoothedNanos) / 8;
        }
        samples++;
    }

    /** The current estimate in nanoseconds. */
    public long rttNanos() {
        return smoothedNanos;
    }

    /** How many samples were taken; 0 means {@link #rttNanos()} is still the initial value. */
    public long samples() {
        return samples;
    }
}
