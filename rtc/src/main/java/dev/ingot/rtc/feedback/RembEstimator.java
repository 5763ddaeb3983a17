package dev.ingot.rtc.feedback;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A deliberately simple REMB (draft-alvestrand-rmcat-remb-03) advertiser for publishers that negotiated only
 * {@code goog-remb}, not transport-cc. It measures the incoming media bitrate over the last second and advertises
 * {@code max(observed * headroom, floor)}, capped.
 *
 * <p>It exists so browsers ramp up: with no bandwidth feedback at all Chromium's estimate stays near its start
 * value and it sends 320x180. REMB is only an upper bound on the sender's own estimate, so advertising generously
 * lets the sender's loss-based control (fed by our receiver reports) raise the rate while the floor keeps it from
 * settling low. It does no delay-based estimation; peers with transport-cc get real feedback from
 * {@link TransportCcRecorder} instead.
 *
 * <p>{@link #pollRemb} answers when a REMB is due: at once when media starts, then every {@code interval}, or
 * sooner (at most every {@code minChangeIntervalNanos}) when the value moved by {@code changeRatio} or more.
 */
public final class RembEstimator {
    /**
     * Tunables.
     *
     * @param floorBps               lowest bitrate advertised (bits per second)
     * @param capBps                 highest bitrate advertised
     * @param headroom               factor applied to the observed bitrate (at least 1)
     * @param intervalNanos          regular REMB spacing
     * @param changeRatio            relative change that triggers an early REMB (e.g. 0.25 = 25%)
     * @param minChangeIntervalNanos minimum spacing of early REMBs
     */
    public record Config(
            long floorBps, long capBps, double headroom, long intervalNanos, double changeRatio,
            long minChangeIntervalNanos) {
        public Config {
            if (floorBps <= 0 || capBps < floorBps || !(headroom >= 1.0) || intervalNanos <= 0
                    || !(changeRatio > 0) || minChangeIntervalNanos < 0) {
                throw new IllegalArgumentException("invalid REMB configuration: " + this);
            }
        }

        /** Floor 2.5 Mbit/s, cap 20 Mbit/s, headroom 1.5, every 1 s or after a 25% change (200 ms apart). */
        public static Config defaults() {
            return new Config(2_500_000L, 20_000_000L, 1.5, 1_000_000_000L, 0.25, 200_000_000L);
        }
    }

    /** The measuring window (1 s) is split into this many buckets. */
    static final int BUCKETS = 10;
    static final long BUCKET_NANOS = 100_000_000L;

    private final Config config;
    private final long[] bucketBytes = new long[BUCKETS];
    private final long[] bucketIndex = new long[BUCKETS];
    private boolean anyPacket;
    private boolean haveSent;
    private long lastSentAt;
    private long lastSentBps;

    public RembEstimator() {
        this(Config.defaults());
    }

    public RembEstimator(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        Arrays.fill(bucketIndex, Long.MIN_VALUE);
    }

    /** Accounts one received media packet of {@code sizeBytes} (RTP header and payload) at {@code arrivalNanos}. */
    public void onPacket(int sizeBytes, long arrivalNanos) {
        long index = Math.floorDiv(arrivalNanos, BUCKET_NANOS);
        int slot = (int) Math.floorMod(index, (long) BUCKETS);
        if (bucketIndex[slot] != index) {
            if (bucketIndex[slot] > index) {
                return; // older than the window
            }
            bucketIndex[slot] = index;
            bucketBytes[slot] = 0;
        }
        bucketBytes[slot] += Math.max(0, sizeBytes);
        anyPacket = true;
    }

    /** Media bitrate received over the last second, in bits per second. */
    public long observedBitrateBps(long nowNanos) {
        long now = Math.floorDiv(nowNanos, BUCKET_NANOS);
        long bytes = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketIndex[i] > now - BUCKETS && bucketIndex[i] <= now) {
                bytes += bucketBytes[i];
            }
        }
        return bytes * 8; // the window is exactly one second
    }

    /** The bitrate to advertise now: {@code max(observed * headroom, floor)}, at most the cap. */
    public long advertisedBitrateBps(long nowNanos) {
        long scaled = (long) Math.min((double) observedBitrateBps(nowNanos) * config.headroom(), (double) Long.MAX_VALUE);
        return Math.min(Math.max(scaled, config.floorBps()), config.capBps());
    }

    /** The bitrate (bits/s) for a REMB to send now, or empty if none is due (or no media arrived yet). */
    public OptionalLong pollRemb(long nowNanos) {
        if (!anyPacket) {
            return OptionalLong.empty();
        }
        long bps = advertisedBitrateBps(nowNanos);
        boolean due = !haveSent
                || nowNanos - lastSentAt >= config.intervalNanos()
                || nowNanos - lastSentAt >= config.minChangeIntervalNanos()
                        && Math.abs(bps - lastSentBps) >= config.changeRatio() * lastSentBps;
        if (!due) {
            return OptionalLong.empty();
        }
        haveSent = true;
        lastSentAt = nowNanos;
        lastSentBps = bps;
        return OptionalLong.of(bps);
    }
}
