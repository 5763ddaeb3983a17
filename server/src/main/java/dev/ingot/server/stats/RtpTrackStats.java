package dev.ingot.server.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Receive counters of one RTP track (video or audio) of an input, in Smelter's {@code /stats} shape:
 * packets received and lost, bitrate over the last second and minute (of RTP payload bytes, as Smelter counts),
 * and the last 10 seconds' figures, including the jitter buffer's ({@link BufferFigures}).
 * Updated by the network loop, read by the stats endpoint; per-second buckets keep the windows.
 */
public final class RtpTrackStats {
    private static final int BUCKETS = 61;
    private final long[] bucketBytes = new long[BUCKETS];
    private final long[] bucketPackets = new long[BUCKETS];
    private final long[] bucketLost = new long[BUCKETS];
    private final long[] bucketSecond = new long[BUCKETS];
    private long packetsReceived;
    private long packetsLost;
    private long packetsRecovered;
    private final BufferFigures buffer = new BufferFigures();

    /** A packet arrived: its RTP payload size (no header, no padding) and timestamp. */
    public void onPacket(int payloadBytes, long rtpTimestamp, long nowNanos) {
        synchronized (this) {
            int b = bucket(nowNanos);
            bucketBytes[b] += payloadBytes;
            bucketPackets[b]++;
            packetsReceived++;
        }
        buffer.written(rtpTimestamp, nowNanos);
    }

    /** The jitter-buffer figures: a track pipeline observes into them ({@link BufferFigures#newStream} first). */
    public BufferFigures buffer() {
        return buffer;
    }

    public synchronized void onLost(long count, long nowNanos) {
        int b = bucket(nowNanos);
        bucketLost[b] += count;
        packetsLost += count;
    }

    public synchronized void onRecovered(long count) {
        packetsRecovered += count;
    }

    private int bucket(long nowNanos) {
        long second = Math.floorDiv(nowNanos, 1_000_000_000L);
        int b = (int) Math.floorMod(second, BUCKETS);
        if (bucketSecond[b] != second) {
            bucketSecond[b] = second;
            bucketBytes[b] = 0;
            bucketPackets[b] = 0;
            bucketLost[b] = 0;
        }
        return b;
    }

    private long sum(long[] values, long nowSecond, int seconds) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long age = nowSecond - bucketSecond[i];
            if (age >= 1 && age <= seconds) {
                total += values[i];
            }
        }
        return total;
    }

    /** Smelter's per-track object; completed seconds only, so figures do not jitter within a second. */
    public synchronized Map<String, Object> toJson(long nowNanos) {
        long now = Math.floorDiv(nowNanos, 1_000_000_000L);
        Map<String, Object> last10 = new LinkedHashMap<>();
        last10.put("packets_lost", sum(bucketLost, now, 10));
        last10.put("packets_received", sum(bucketPackets, now, 10));
        buffer.putJson(last10, nowNanos);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("packets_lost", packetsLost);
        r.put("packets_received", packetsReceived);
        r.put("bitrate_1_second", sum(bucketBytes, now, 1) * 8);
        r.put("bitrate_1_minute", sum(bucketBytes, now, 60) * 8 / 60);
        r.put("last_10_seconds", last10);
        r.put("packets_recovered", packetsRecovered);
        return r;
    }
}
