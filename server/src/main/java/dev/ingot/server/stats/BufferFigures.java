package dev.ingot.server.stats;

import dev.ingot.media.pipeline.TrackPipeline;
import java.util.Map;

/**
 * Smelter's jitter-buffer figures of one RTP track over the last 10 seconds, in seconds (avg, max, min of
 * per-packet samples), measured as Smelter's {@code RtpJitterBuffer} measures them:
 * <ul>
 *   <li>{@code effective_buffer_on_write}: when a packet arrives, how long until the queue needs its media (its
 *       output PTS on the queue's clock minus now, 0 if already late). The network side: jitter, delay.</li>
 *   <li>{@code effective_buffer_on_pop}: the same when the packet leaves the jitter buffer for the decoder: the
 *       slack left for decoding and delivery after the buffer's wait.</li>
 *   <li>{@code input_buffer}: the jitter buffer's target delay when the packet leaves it (Smelter: its buffer
 *       size), which adapts between the floor and the cap.</li>
 * </ul>
 * "When the queue needs it" is the wall time of the media's queue PTS ({@code start + PTS}): known once the queue
 * has started and the stream's first frame has fixed its place on the queue's timeline; packets before that give
 * no effective-buffer sample (Smelter's clock exists before the start; Ingot's queue PTS do not).
 *
 * <p>Fed by a few calls: {@link #written} from the network thread for each packet, and, as the track's
 * {@link TrackPipeline.Observer}, {@link #released} for each packet leaving the jitter buffer and {@link #framed}
 * for each frame's media PTS (which ties RTP timestamps to the media timeline). {@link #newStream} at each WHIP
 * session. No allocation per packet: 100 ms buckets. Thread-safe.
 */
public final class BufferFigures implements TrackPipeline.Observer {
    /** Where a stream's media PTS lands on the queue's clock. */
    public interface QueueClock {
        /** Monotonic time at which the queue needs media with this media PTS, or {@link #UNKNOWN}. */
        long dueNanos(long mediaPtsNanos);

        long UNKNOWN = Long.MIN_VALUE;
    }

    private static final QueueClock NO_QUEUE = m -> QueueClock.UNKNOWN;

    private final Window onWrite = new Window();
    private final Window onPop = new Window();
    private final Window inputBuffer = new Window();
    private QueueClock queue = NO_QUEUE;
    private int clockRate = 90_000;
    private boolean mapped;
    private long mappedTimestamp;
    private long mappedMediaPts;

    /** A new stream (WHIP session) of the track: its RTP clock rate and the queue's clock for its media. */
    public synchronized void newStream(int rtpClockRate, QueueClock queueClock) {
        this.clockRate = rtpClockRate;
        this.queue = queueClock;
        this.mapped = false;
    }

    /** A packet arrived (network thread). */
    public synchronized void written(long rtpTimestamp, long arrivalNanos) {
        long due = dueNanos(rtpTimestamp);
        if (due != QueueClock.UNKNOWN) {
            onWrite.add(Math.max(0, due - arrivalNanos), arrivalNanos);
        }
    }

    @Override
    public synchronized void released(long rtpTimestamp, long nowNanos, long targetDelayNanos) {
        inputBuffer.add(targetDelayNanos, nowNanos);
        long due = dueNanos(rtpTimestamp);
        if (due != QueueClock.UNKNOWN) {
            onPop.add(Math.max(0, due - nowNanos), nowNanos);
        }
    }

    @Override
    public synchronized void framed(long rtpTimestamp, long mediaPtsNanos) {
        mapped = true;
        mappedTimestamp = rtpTimestamp;
        mappedMediaPts = mediaPtsNanos;
    }

    private long dueNanos(long rtpTimestamp) {
        if (!mapped) {
            return QueueClock.UNKNOWN;
        }
        long delta = (int) (rtpTimestamp - mappedTimestamp); // RTP timestamps wrap at 2^32
        return queue.dueNanos(mappedMediaPts + delta * 1_000_000_000L / clockRate);
    }

    /** Adds Smelter's nine {@code *_seconds} fields of the last 10 s (0.0 where there were no samples). */
    public synchronized void putJson(Map<String, Object> last10Seconds, long nowNanos) {
        onWrite.putJson(last10Seconds, "effective_buffer_on_write", nowNanos);
        onPop.putJson(last10Seconds, "effective_buffer_on_pop", nowNanos);
        inputBuffer.putJson(last10Seconds, "input_buffer", nowNanos);
    }

    /** Min, max and mean of samples over the last 10 s, kept in 100 ms buckets. Guarded by the outer object. */
    private static final class Window {
        private static final long BUCKET_NANOS = 100_000_000L;
        private static final int BUCKETS = 100;
        private final long[] id = new long[BUCKETS];
        private final long[] count = new long[BUCKETS];
        private final long[] sum = new long[BUCKETS];
        private final long[] min = new long[BUCKETS];
        private final long[] max = new long[BUCKETS];

        Window() {
            java.util.Arrays.fill(id, Long.MIN_VALUE);
        }

        void add(long value, long nowNanos) {
            long b = Math.floorDiv(nowNanos, BUCKET_NANOS);
            int i = (int) Math.floorMod(b, BUCKETS);
            if (id[i] != b) {
                id[i] = b;
                count[i] = 0;
                sum[i] = 0;
                min[i] = Long.MAX_VALUE;
                max[i] = Long.MIN_VALUE;
            }
            count[i]++;
            sum[i] += value;
            min[i] = Math.min(min[i], value);
            max[i] = Math.max(max[i], value);
        }

        void putJson(Map<String, Object> out, String name, long nowNanos) {
            long now = Math.floorDiv(nowNanos, BUCKET_NANOS);
            long n = 0;
            long total = 0;
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (int i = 0; i < BUCKETS; i++) {
                if (id[i] != Long.MIN_VALUE && now - id[i] < BUCKETS && now - id[i] >= 0) {
                    n += count[i];
                    total += sum[i];
                    lo = Math.min(lo, min[i]);
                    hi = Math.max(hi, max[i]);
                }
            }
            out.put(name + "_avg_seconds", n == 0 ? 0.0 : total / (double) n / 1e9);
            out.put(name + "_max_seconds", n == 0 ? 0.0 : hi / 1e9);
            out.put(name + "_min_seconds", n == 0 ? 0.0 : lo / 1e9);
        }
    }
}
