package dev.ingot.server.ops;

import static dev.ingot.server.api.ControlApi.guarded;

import dev.ingot.server.http.Replies;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an orchestrator asks on the control API port: {@code GET /health} (the process serves HTTP: a liveness
 * probe), {@code GET /ready} (listeners up, decoders loaded, not draining, room for one more input: a readiness
 * probe and a controller's placement question) and {@code POST /api/drain} (Ingot's own: stop taking sessions, let
 * the live ones end within the grace period, then exit, as on SIGTERM).
 */
public final class HealthRoutes {
    private final Capacity capacity;
    private final Drain drain;
    private final Supplier<List<String>> notUp;
    private final Runnable startDrain;

    /**
     * @param notUp      what is not up yet (a listener, the FFmpeg natives), empty when everything is
     * @param startDrain starts the drain (idempotent)
     */
    public HealthRoutes(Capacity capacity, Drain drain, Supplier<List<String>> notUp, Runnable startDrain) {
        this.capacity = capacity;
        this.drain = drain;
        this.notUp = notUp;
        this.startDrain = startDrain;
    }

    public void routes(HttpRouting.Builder r) {
        r.get("/health", guarded(this::health));
        r.get("/ready", guarded(this::ready));
        r.post("/api/drain", guarded(this::drain));
    }

    private void health(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Replies.json(res, 200, Map.of("status", "ok", "draining", drain.draining()));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        Capacity.Snapshot s = capacity.snapshot();
        List<String> reasons = new ArrayList<>(notUp.get());
        if (s.draining()) {
            reasons.add("draining");
        } else if (s.inputsLeft() < 1) {
            reasons.add("full: no room for another input (sessions or decode budget)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", reasons.isEmpty());
        body.put("reasons", reasons);
        body.putAll(s.toJson());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Replies.json(res, reasons.isEmpty() ? 200 : 503, body);
    }

    /** Answers first, then starts the drain: with no live session the server stops at once, answered or not. */
    private void drain(ServerRequest req, ServerResponse res) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("draining", true);
        body.put("live_sessions", capacity.snapshot().sessions());
        body.put("grace_seconds", drain.grace().toSeconds());
        body.put("seconds_left", Math.round(drain.secondsLeft() * 10) / 10.0);
        Replies.json(res, 202, body);
        startDrain.run();
    }
}
