package dev.ingot.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.media.decode.DecoderPreferences;
import dev.ingot.server.config.IngotConfig;
import dev.ingot.server.http.Replies;
import dev.ingot.server.input.BearerToken;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.input.WhipInputSpec;
import dev.ingot.server.PipelineClock;
import dev.ingot.media.decode.VideoDecoderSupport;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Smelter's control API (the part a WHIP server input lives in): register, unregister, start, reset. */
public final class ControlApi {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);
    private static final int MAX_BODY = 1024 * 1024;

    private final IngotConfig config;
    private final InputRegistry registry;
    private final java.util.function.Supplier<VideoDecoderSupport> decoderSupport;
    private final PipelineClock pipeline;
    private final StatusReport status;
    private final Runnable reset;
    private Scheduler scheduler = (ptsNanos, what, action) -> {
        throw new IllegalStateException("no queue to schedule on");
    };

    /** Runs an action in queue time (the output queue); false when that time has passed and it was dropped. */
    public interface Scheduler {
        boolean schedule(long ptsNanos, String what, Runnable action);
    }

    public ControlApi onSchedule(Scheduler s) {
        this.scheduler = s;
        return this;
    }
    private java.util.function.Consumer<RegisteredInput> registered = in -> { };
    private Runnable started = () -> { };

    /** Runs after an input is added (opens its side channel); an ApiException undoes the registration. */
    public ControlApi onRegistered(java.util.function.Consumer<RegisteredInput> c) {
        this.registered = c;
        return this;
    }

    public ControlApi onStarted(Runnable r) {
        this.started = r;
        return this;
    }

    public ControlApi(IngotConfig config, InputRegistry registry,
            java.util.function.Supplier<VideoDecoderSupport> decoderSupport,
            PipelineClock pipeline, StatusReport status, Runnable reset) {
        this.config = config;
        this.registry = registry;
        this.decoderSupport = decoderSupport;
        this.pipeline = pipeline;
        this.status = status;
        this.reset = reset;
    }

    public void routes(HttpRouting.Builder r) {
        r.post("/api/input/{id}/register", guarded(this::register));
        r.post("/api/input/{id}/unregister", guarded(this::unregister));
        r.post("/api/start", guarded(this::start));
        r.post("/api/reset", guarded(this::reset));
        r.get("/status", guarded((req, res) -> Replies.json(res, 200, status.status())));
        r.get("/stats", guarded((req, res) -> Replies.json(res, 200, status.stats())));
        // ids with a '/' (even percent-encoded) do not match the routes above: still an invalid id, not a lost route
        r.post("/api/input/*", guarded((req, res) -> {
            String path = req.path().path();
            if (path.endsWith("/register") || path.endsWith("/unregister")) {
                String id = path.substring("/api/input/".length(), path.lastIndexOf('/'));
                RegisterRequestParser.checkInputId(id);
            }
            throw Replies.notFound("no route for POST " + path);
        }));
    }

    /** A handler whose {@link ApiException}s become Smelter error bodies. */
    public interface ApiHandler {
        void handle(ServerRequest req, ServerResponse res);
    }

    public static io.helidon.webserver.http.Handler guarded(ApiHandler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ApiException e) {
                Replies.error(res, e);
            }
        };
    }

    private JsonNode jsonBody(ServerRequest req, boolean emptyAllowed) {
        Optional<String> type = Replies.mediaType(req);
        byte[] body = Replies.body(req, MAX_BODY);
        if (emptyAllowed && body.length == 0) {
            return JsonCodec.mapper().createObjectNode();
        }
        if (type.isEmpty() || !type.get().equals("application/json")) {
            throw ApiException.malformed(415, "Expected request with `Content-Type: application/json` header");
        }
        return JsonCodec.parseBody(body);
    }

    private void register(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        RegisterRequestParser.checkInputId(id);
        WhipInputSpec spec = RegisterRequestParser.parse(jsonBody(req, false));
        if (!config.whipServerEnabled()) {
            throw new ApiException(422, ErrorCodes.INPUT_STREAM_INPUT_ERROR,
                    "Failed to register input stream \"" + id + "\": the WHIP server is disabled"
                            + " (SMELTER_START_WHIP_WHEP_SERVER=false)");
        }
        DecoderPreferences.Resolution resolution;
        try {
            resolution = DecoderPreferences.resolve(spec.decoderPreferences(), decoderSupport.get());
        } catch (DecoderPreferences.NoUsableDecoderException e) {
            throw new ApiException(422, ErrorCodes.INPUT_STREAM_INPUT_ERROR,
                    "Failed to register input stream \"" + id + "\": " + e.getMessage(),
                    java.util.List.of("Failed to register input stream \"" + id + "\"", e.getMessage()));
        }
        if (!resolution.dropped().isEmpty()) {
            LOG.warn("input={} decoder preference(s) {} dropped: {}", id, resolution.dropped(), decoderSupport.get().vulkanDetail());
        }
        BearerToken token = spec.bearerToken().map(BearerToken::of).orElseGet(BearerToken::generate);
        RegisteredInput input = new RegisteredInput(id, spec, token, resolution.decoders(), System.nanoTime());
        registry.add(input);
        try {
            registered.accept(input);
        } catch (RuntimeException e) {
            registry.remove(id);
            throw e;
        }
        LOG.info("input={} registered (decoders {}, required={}, side_channel video={} audio={})", id,
                resolution.decoders(), spec.required(), spec.sideChannel().video(), spec.sideChannel().audio());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bearer_token", token.reveal());
        body.put("endpoint_route", "/whip/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        Replies.json(res, 200, body);
    }

    private void unregister(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Optional<Double> at = RegisterRequestParser.parseUnregister(jsonBody(req, true));
        if (at.isPresent()) {
            // Smelter answers 200 at once, also for an id it does not know; the request runs in queue time
            long ptsNanos = Math.round(at.get() * 1_000_000);
            if (scheduler.schedule(ptsNanos, "input=" + id + " unregister", () -> unregisterScheduled(id))) {
                LOG.info("input={} unregister scheduled at {} ms (queue time)", id, at.get());
            }
        } else {
            registry.remove(id);
        }
        Replies.json(res, 200, Map.of());
    }

    private void unregisterScheduled(String id) {
        if (registry.get(id).isEmpty()) {
            LOG.warn("input={} scheduled unregister: no such input (Input stream \"{}\" does not exist.)", id, id);
            return;
        }
        try {
            registry.remove(id);
        } catch (ApiException e) {
            LOG.warn("input={} scheduled unregister: {}", id, e.getMessage());
        }
    }

    /** Smelter's {@code /api/start} takes no body: whatever comes is ignored (no 415, no 422). */
    private void start(ServerRequest req, ServerResponse res) {
        if (pipeline.start(System.nanoTime())) {
            LOG.info("pipeline started");
            started.run();
        } else {
            LOG.warn("pipeline already started");
        }
        Replies.json(res, 200, Map.of());
    }

    /** Smelter's {@code /api/reset} takes no body either. */
    private void reset(ServerRequest req, ServerResponse res) {
        reset.run();
        Replies.json(res, 200, Map.of());
    }
}
