package dev.ingot.bench;

import java.util.List;
import java.util.OptionalLong;

/** A system under test that takes N WHIP streams and decodes them: Ingot, or the GStreamer receivers. */
public interface Receiver extends AutoCloseable {

    /** Where one stream is published. */
    record Endpoint(String whipUrl, String token) {
    }

    /** One stream's receive counters; empty where the receiver does not report the figure. */
    record StreamCounters(OptionalLong decodedFrames, OptionalLong packetsReceived, OptionalLong packetsLost) {
        static final StreamCounters NONE = new StreamCounters(OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty());
    }

    String name();

    /** Starts the receiver for {@code n} streams and returns their endpoints (after it is ready to take POSTs). */
    List<Endpoint> start(int n) throws Exception;

    /** The processes whose CPU and memory are the receiver's cost. */
    List<Long> pids();

    /**
     * Counters of every stream, in endpoint order; one round of HTTP requests. {@code withPackets} false: the
     * decoded frame counter is enough (the 10 ms first-frame poll), packet counters may be left empty.
     */
    List<StreamCounters> poll(boolean withPackets);

    /** Why decoded frames are not reported (e.g. the field is missing), or null when they are. */
    default String decodedFramesMissingReason() {
        return null;
    }

    /** An endpoint for extra POST latency probes (POST, then DELETE at once), or null. */
    default Endpoint probeEndpoint() {
        return null;
    }

    /** Stops everything started. */
    @Override
    void close();
}
