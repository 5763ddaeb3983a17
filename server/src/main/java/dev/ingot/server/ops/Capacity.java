package dev.ingot.server.ops;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.rtc.sdp.Fingerprint;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.LocalTransport;
import dev.ingot.rtc.sdp.NegotiatedSession;
import dev.ingot.rtc.sdp.OfferNegotiation;
import dev.ingot.rtc.sdp.OfferRejectedException;
import dev.ingot.rtc.sdp.SdpParseException;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.VideoCodec;
import dev.ingot.server.config.AdmissionConfig;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.net.WebRtcTransport;
import dev.ingot.server.net.WebRtcTransport.LiveSession;
import dev.ingot.server.ops.MetricsText.Type;
import dev.ingot.server.pipeline.InputMediaListener;
import dev.ingot.server.stats.RateMeter;
import dev.ingot.server.whip.SessionAdmission;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How full this instance is, and the WHIP endpoint's admission decision. Two limits: {@code INGOT_MAX_SESSIONS}
 * sessions, and an estimated decode load of at most {@code INGOT_MAX_DECODE_LOAD} × the usable cores. Each session's
 * load is the larger of what its offer implies ({@link DecodeCost}) and what it really decodes (pixels per second of
 * its decoded pictures, measured here as one more media listener). Inputs registered without a publisher yet count
 * as one 720p30 stream each in the "committed" figures a controller places inputs by, not in the admission of a
 * session (their publisher is admitted against the live load). Over either limit, or while draining, a POST gets 503
 * with {@code Retry-After}; live sessions are never touched, so nobody's picture gets worse.
 */
public final class Capacity implements SessionAdmission, InputMediaListener {
    private static final Logger LOG = LoggerFactory.getLogger(Capacity.class);
    /** Retry-After of a 503 for a full server: sessions end at human pace; the caller may also go elsewhere. */
    public static final long RETRY_AFTER_FULL_SECONDS = 5;
    /** Stands in for the real transport when the offer is negotiated only to learn its codec and level. */
    private static final LocalTransport PROBE_TRANSPORT = LocalTransport.iceLite("probe", "probeprobeprobeprobeprobe",
            new Fingerprint("sha-256", new byte[32]), List.of(IceCandidate.host("1", "udp", 1, "192.0.2.1", 9)));

    private final int maxSessions;
    private final AdmissionConfig config;
    private final DecodeCost cost;
    private final InputRegistry registry;
    private final Supplier<Collection<LiveSession>> sessions;
    private final Drain drain;
    /** Pixels decoded per second, per input. */
    private final ConcurrentMap<String, RateMeter> measured = new ConcurrentHashMap<>();
    /** Filled once in the constructor, then only read: counters by reason. */
    private final Map<String, LongAdder> refused = new LinkedHashMap<>();
    private double pendingCores;
    private int pendingSessions;

    /** Why a session was refused: the {@code reason} label of {@code ingot_whip_sessions_refused_total}. */
    public enum RefusalReason { DRAINING, SESSIONS, DECODE_LOAD }

    /**
     * @param sessions the transport's live sessions (empty while the WHIP server is off)
     */
    public Capacity(int maxSessions, AdmissionConfig config, InputRegistry registry,
            Supplier<Collection<LiveSession>> sessions, Drain drain) {
        this.maxSessions = maxSessions;
        this.config = config;
        this.cost = new DecodeCost(config);
        this.registry = registry;
        this.sessions = sessions;
        this.drain = drain;
        for (RefusalReason r : RefusalReason.values()) {
            refused.put(r.name().toLowerCase(java.util.Locale.ROOT), new LongAdder());
        }
        registry.onUnregister(input -> measured.remove(input.id()));
    }

    /** The decode budget in cores; infinite when the cost limit is off. */
    public double budgetCores() {
        return config.maxDecodeLoad() == 0 ? Double.POSITIVE_INFINITY : config.maxDecodeLoad() * config.usableCores();
    }

    @Override
    public Verdict admit(RegisteredInput input, String offerSdp) {
        if (drain.draining()) {
            return refuse(RefusalReason.DRAINING, "SERVER_DRAINING", "this server is draining (shutting down) and takes"
                    + " no new WHIP session; register the input on another instance", (long) Math.ceil(drain.secondsLeft()));
        }
        double wanted = estimate(input, offerSdp);
        synchronized (this) {
            // a session of the same input is replaced by this offer, or the offer gets 409: not counted either way
            List<LiveSession> others = sessions.get().stream().filter(s -> s.input() != input).toList();
            int count = others.size() + pendingSessions;
            if (count >= maxSessions) {
                return refuse(RefusalReason.SESSIONS, "TOO_MANY_SESSIONS", "the server already has " + count
                        + " WHIP sessions (INGOT_MAX_SESSIONS=" + maxSessions + ")", RETRY_AFTER_FULL_SECONDS);
            }
            double load = pendingCores;
            for (LiveSession s : others) {
                load += sessionCores(s);
            }
            double budget = budgetCores();
            if (load + wanted > budget && count > 0) {
                return refuse(RefusalReason.DECODE_LOAD, "DECODE_CAPACITY_EXCEEDED", String.format(java.util.Locale.ROOT,
                        "decoding this stream (about %.2f cores) on top of the %d live session(s) (%.2f cores) would pass"
                                + " this server's decode budget of %.2f cores (INGOT_MAX_DECODE_LOAD=%s of %s cores)",
                        wanted, count, load, budget, config.maxDecodeLoad(), config.usableCores()),
                        RETRY_AFTER_FULL_SECONDS);
            }
            if (load + wanted > budget) {
                LOG.warn("input={} one stream of about {} cores is more than the whole decode budget of {} cores;"
                        + " admitted because nothing else runs", input.id(), round(wanted), round(budget));
            }
            pendingCores += wanted;
            pendingSessions++;
        }
        return new Verdict.Admitted(new Hold() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (Capacity.this) {
                    if (!closed) {
                        closed = true;
                        pendingCores -= wanted;
                        pendingSessions--;
                    }
                }
            }
        });
    }

    private Verdict refuse(RefusalReason reason, String code, String message, long retryAfter) {
        refused.get(reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
        return new Verdict.Refused(code, message, retryAfter);
    }

    /**
     * What the offer would cost: negotiated here as the transport will (same preferences, a stand-in transport) to
     * learn its video codec and H.264 level. An offer that does not negotiate costs nothing: the transport refuses it.
     */
    double estimate(RegisteredInput input, String offerSdp) {
        try {
            NegotiatedSession n = OfferNegotiation.negotiate(SessionDescription.parse(offerSdp),
                    WebRtcTransport.choices(input.decoders()), PROBE_TRANSPORT);
            return cost.cores(n);
        } catch (SdpParseException | OfferRejectedException | RuntimeException e) {
            return 0;
        }
    }

    /** A live session's load: its offer's estimate, or what it decodes now if that is more. */
    private double sessionCores(LiveSession s) {
        double estimate = cost.cores(s.negotiated());
        RateMeter rate = measured.get(s.input().id());
        VideoCodec codec = s.negotiated().video().map(v -> v.codec()).orElse(null);
        if (rate == null || codec == null) {
            return estimate;
        }
        return Math.max(estimate, cost.cores(codec, rate.perSecond(System.nanoTime())));
    }

    // ---- measuring what each input decodes ----

    @Override
    public void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos) {
        try {
            measured.computeIfAbsent(inputId, id -> new RateMeter())
                    .add(System.nanoTime(), (long) frame.width() * frame.height());
        } finally {
            frame.release();
        }
    }

    @Override
    public void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos) {
        // audio is in the fixed share of every session
    }

    @Override
    public void onTrackEnded(String inputId, boolean video) {
        if (video) {
            measured.remove(inputId);
        }
    }

    // ---- what an orchestrator reads ----

    /**
     * The figures of {@code /ready} and {@code /metrics}.
     *
     * @param sessions        WHIP sessions open now (connecting or connected)
     * @param waitingInputs   registered inputs without a session
     * @param loadCores       estimated decode load of the live sessions
     * @param committedCores  that plus one 720p30 stream per waiting input
     * @param sessionsLeft    720p30 H.264 sessions the endpoint would still admit now
     * @param inputsLeft      inputs that can still be placed here, each counted as one 720p30 H.264 stream
     * @param utilization     the larger of sessions (live + waiting) over the maximum and committed over the budget
     */
    public record Snapshot(int sessions, int maxSessions, int inputsRegistered, int waitingInputs, double cpuCores,
            double budgetCores, double loadCores, double committedCores, double streamCores, int sessionsLeft,
            int inputsLeft, double utilization, boolean draining, Map<String, Long> refused) {

        /** Adds the capacity families to a /metrics exposition. */
        public void addTo(MetricsText m) {
            m.add("ingot_draining", Type.GAUGE, "1 while the server drains (SIGTERM or POST /api/drain): no new sessions.",
                    draining ? 1 : 0);
            m.add("ingot_whip_sessions_max", Type.GAUGE, "Most WHIP sessions at once (INGOT_MAX_SESSIONS).", maxSessions);
            m.add("ingot_inputs_waiting", Type.GAUGE, "Registered inputs without a WHIP session.", waitingInputs);
            m.add("ingot_cpu_cores", Type.GAUGE, "CPU cores Ingot may use (INGOT_CPU_CORES, else the JVM's count,"
                    + " which follows the container's CPU quota).", cpuCores);
            m.add("ingot_decode_budget_cores", Type.GAUGE, "Decode budget: INGOT_MAX_DECODE_LOAD x the usable cores"
                    + " (+Inf when the cost limit is off).", budgetCores);
            m.add("ingot_decode_load_cores", Type.GAUGE, "Estimated decode load of the live WHIP sessions, in cores"
                    + " (per session the larger of its offer's estimate and what it decodes).", loadCores);
            m.add("ingot_decode_committed_cores", Type.GAUGE, "The decode load plus one 720p30 stream per input"
                    + " waiting for its publisher, in cores.", committedCores);
            m.add("ingot_stream_cores", Type.GAUGE, "What one 720p30 H.264 stream is taken to cost (INGOT_STREAM_CORES).",
                    streamCores);
            m.add("ingot_capacity_sessions_left", Type.GAUGE, "720p30 H.264 WHIP sessions this server would still"
                    + " admit now.", sessionsLeft);
            m.add("ingot_capacity_inputs_left", Type.GAUGE, "Inputs that can still be placed here, each taken as one"
                    + " 720p30 H.264 stream, waiting inputs counted; 0 while draining.", inputsLeft);
            m.add("ingot_capacity_utilization", Type.GAUGE, "How full this server is, 0 to 1 (or more): the larger of"
                    + " (sessions + waiting inputs) / INGOT_MAX_SESSIONS and committed / budget. A target for an"
                    + " autoscaler.", utilization);
            for (Map.Entry<String, Long> e : refused.entrySet()) {
                m.add("ingot_whip_sessions_refused_total", Type.COUNTER, "WHIP POSTs answered 503 by reason:"
                        + " draining, sessions (INGOT_MAX_SESSIONS), decode_load (INGOT_MAX_DECODE_LOAD).",
                        e.getValue(), "reason", e.getKey());
            }
        }

        /** The body of {@code /ready}, less {@code ready} and {@code reasons}. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("draining", draining);
            m.put("sessions", sessions);
            m.put("max_sessions", maxSessions);
            m.put("inputs_registered", inputsRegistered);
            m.put("inputs_waiting", waitingInputs);
            m.put("sessions_left", sessionsLeft);
            m.put("inputs_left", inputsLeft);
            m.put("cpu_cores", round(cpuCores));
            m.put("decode_budget_cores", Double.isInfinite(budgetCores) ? null : round(budgetCores));
            m.put("decode_load_cores", round(loadCores));
            m.put("decode_committed_cores", round(committedCores));
            m.put("utilization", round(utilization));
            return m;
        }
    }

    public synchronized Snapshot snapshot() {
        Collection<LiveSession> live = sessions.get();
        double load = pendingCores;
        Set<RegisteredInput> publishing = new HashSet<>();
        for (LiveSession s : live) {
            load += sessionCores(s);
            publishing.add(s.input());
        }
        Collection<RegisteredInput> inputs = registry.all();
        int waiting = (int) inputs.stream().filter(i -> !publishing.contains(i)).count();
        int count = live.size() + pendingSessions;
        double stream = config.streamCores();
        double committed = load + waiting * stream;
        double budget = budgetCores();
        int sessionsLeft = (int) Math.max(0, Math.min(maxSessions - count, Math.floor((budget - load) / stream + 1e-9)));
        int inputsLeft = drain.draining() ? 0 : (int) Math.max(0, Math.min(maxSessions - count - waiting,
                Math.floor((budget - committed) / stream + 1e-9)));
        double utilization = Math.max((double) (count + waiting) / maxSessions,
                Double.isInfinite(budget) ? 0 : committed / budget);
        Map<String, Long> refusedNow = new LinkedHashMap<>();
        refused.forEach((k, v) -> refusedNow.put(k, v.sum()));
        return new Snapshot(count, maxSessions, inputs.size(), waiting, config.usableCores(), budget, load, committed,
                stream, sessionsLeft, inputsLeft, utilization, drain.draining(), refusedNow);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
