package dev.ingot.server;

import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.ControlApi;
import dev.ingot.server.api.ErrorCodes;
import dev.ingot.server.api.StatusReport;
import dev.ingot.server.config.IngotConfig;
import dev.ingot.server.events.ServerEvents;
import dev.ingot.server.http.Replies;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.whip.WhipEndpoint;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.pipeline.InputMediaListener;
import dev.ingot.server.queue.OutputQueue;
import dev.ingot.server.sidechannel.SideChannels;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.ingot.server.pipeline.InputMediaPipeline;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.ingot.server.net.WebRtcTransport;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ingot assembled: configuration, inputs, the control API listener and the WHIP listener. */
public final class IngotServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngotServer.class);

    private final IngotConfig config;
    private final InputRegistry registry = new InputRegistry();
    private final ServerEvents events = new ServerEvents();
    private final PipelineClock pipeline = new PipelineClock();
    private final java.util.concurrent.CompletableFuture<VideoDecoderSupport> decoderSupport;
    private final Path sideChannelDir;
    private WebRtcTransport transport;
    private final List<InputMediaListener> mediaListeners = new CopyOnWriteArrayList<>();
    private final SideChannels sideChannels;
    private OutputQueue queue;
    private WebServer api;
    private WebServer whip;
    // ---- ops (dev.ingot.server.ops): dashboard, /metrics, /openapi.json, thumbnails, the route list ----
    private final dev.ingot.server.ops.RouteCatalog routeCatalog = new dev.ingot.server.ops.RouteCatalog();
    private final dev.ingot.server.ops.LatestFrames latestFrames = new dev.ingot.server.ops.LatestFrames();
    private dev.ingot.server.ops.Drain drain;
    private dev.ingot.server.ops.Capacity capacity;
    /** What happens once a drain has finished: Main exits the process; embedded (tests), the server closes. */
    private volatile Runnable afterDrain = this::close;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    // ---- end ops ----

    /**
     * @param decoderSupport what the machine can decode; probing FFmpeg takes a moment, so it may still be
     *                       running while the listeners start (a register request waits for it)
     */
    public IngotServer(IngotConfig config, java.util.concurrent.CompletableFuture<VideoDecoderSupport> decoderSupport,
            Path sideChannelDir) {
        this.config = config;
        this.decoderSupport = decoderSupport;
        this.sideChannelDir = sideChannelDir;
        this.sideChannels = new SideChannels(sideChannelDir, pipeline::started);
    }

    private boolean warmUp;

    /** Whether {@link #start()} runs the first requests' code once before it says the server is up (bin/ingot does). */
    public IngotServer warmUpAtStart(boolean on) {
        this.warmUp = on;
        return this;
    }

    public IngotServer start() {
        queue = new OutputQueue(config, registry, pipeline, events).start();
        mediaListeners.add(queue);
        mediaListeners.add(sideChannels);
        registry.onUnregister(input -> sideChannels.close(input.id()));
        StatusReport status = new StatusReport(config, registry,
                () -> decoderSupport.getNow(VideoDecoderSupport.withoutVulkan("still probing FFmpeg for Vulkan Video"))).withExtras(this::inputExtras)
                .withBoundWhipPort(() -> whip == null ? -1 : whip.port());
        ControlApi controlApi = new ControlApi(config, registry, decoderSupport::join, pipeline, status, this::reset)
                .onRegistered(this::openSideChannel)
                .onStarted(() -> queue.wake())
                .onSchedule(queue::schedule);
        // ---- ops ----
        drain = new dev.ingot.server.ops.Drain(Duration.ofSeconds(config.admission().drainGraceSeconds()),
                () -> transport == null ? 0 : transport.sessions().size());
        capacity = new dev.ingot.server.ops.Capacity(config.maxSessions(), config.admission(), registry,
                () -> transport == null ? List.of() : transport.sessions(), drain);
        mediaListeners.add(capacity); // measures what each input really decodes
        var health = new dev.ingot.server.ops.HealthRoutes(capacity, drain, this::notUp, () -> drain("POST /api/drain"));
        var ops = new dev.ingot.server.ops.OpsRoutes(config, registry, status, latestFrames,
                () -> new dev.ingot.server.ops.PrometheusMetrics.ProcessFigures(
                        transport == null ? 0 : transport.sessions().size(), events.clientCount(), capacity.snapshot()),
                this::whipPort);
        mediaListeners.add(latestFrames); // thumbnails: the newest decoded picture per input
        registry.onUnregister(input -> latestFrames.forget(input.id()));
        routeCatalog.add(dev.ingot.server.ops.RouteCatalog.Listener.API, "GET", "/ws");
        // ---- end ops ----
        api = WebServer.builder()
                .host(config.bindAddress())
                .port(config.apiPort())
                .shutdownGracePeriod(Duration.ofMillis(200))
                .shutdownHook(false) // close() stops it, after a drain or on SIGINT (Main's hook)
                .routing(r -> {
                    // routes go on `recorded` so the route catalog (and the /openapi.json test) sees them
                    HttpRouting.Builder recorded = routeCatalog.recorder(r, dev.ingot.server.ops.RouteCatalog.Listener.API);
                    controlApi.routes(recorded);
                    ops.routes(recorded);
                    health.routes(recorded);
                    fallback(r);
                })
                .addRouting(WsRouting.builder().endpoint("/ws", events.listener()))
                .build()
                .start();
        if (config.whipServerEnabled()) {
            try {
                transport = new WebRtcTransport(config, (input, negotiated, decoder) -> {
                    queue.expectMedia(input.id(), negotiated.video().isPresent(), negotiated.audio().isPresent());
                    return new InputMediaPipeline(input, negotiated, decoder, config.mixingSampleRate(),
                            config.inputBufferDurationMs(), mediaListeners,
                            queue.newTimeline(input));
                });
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot open the WebRTC UDP transport: " + e.getMessage(), e);
            }
            WhipEndpoint endpoint = new WhipEndpoint(registry, transport, config.stunServers(), config.maxSdpBytes(),
                    dev.ingot.server.limits.PerAddressRateLimiter.perMinute(config.whipPostsPerMinutePerIp()))
                    .admission(capacity);
            whip = WebServer.builder()
                    .host(config.bindAddress())
                    .port(config.whipPort())
                    .shutdownGracePeriod(Duration.ofMillis(200))
                    .shutdownHook(false)
                    .routing(r -> {
                        endpoint.routes(routeCatalog.recorder(r, dev.ingot.server.ops.RouteCatalog.Listener.WHIP));
                        fallback(r);
                    })
                    .build()
                    .start();
        }
        if (warmUp) {
            dev.ingot.server.api.StartupWarmup.run(config.bindAddress(), api.port(), whip == null ? -1 : whip.port());
        }
        LOG.info("Ingot {} up: API on {}:{}, WHIP {}, side channel in {}", config.instanceId(),
                config.bindAddress(), api.port(), whip == null ? "disabled" : "on port " + whip.port(), sideChannelDir);
        decoderSupport.thenAccept(s -> LOG.info("Vulkan Video H264 decoding: {} ({})",
                s.vulkanH264() ? "available" : "unavailable", s.vulkanDetail()));
        return this;
    }

    private void openSideChannel(RegisteredInput input) {
        try {
            sideChannels.open(input).ifPresent(sc -> LOG.info("input={} side channel: {} {}", input.id(),
                    sc.videoSocket() == null ? "" : sc.videoSocket(), sc.audioSocket() == null ? "" : sc.audioSocket()));
        } catch (java.io.IOException e) {
            throw new ApiException(422, ErrorCodes.INPUT_STREAM_INPUT_ERROR,
                    "Failed to register input stream \"" + input.id() + "\": cannot open its side channel: " + e.getMessage());
        }
    }

    /** Ingot's queue and side-channel figures for /stats. */
    private Map<String, Object> inputExtras(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        queue.inputStats(id).ifPresent(q -> m.put("queue", q.toJson()));
        sideChannels.stats(id).ifPresent(s -> {
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("video_readers", s.video().readers());
            sc.put("video_sent", s.video().messagesSent());
            sc.put("video_dropped", s.video().messagesDropped());
            sc.put("audio_readers", s.audio().readers());
            sc.put("audio_sent", s.audio().messagesSent());
            sc.put("audio_dropped", s.audio().messagesDropped());
            m.put("side_channel", sc);
        });
        return m;
    }

    public OutputQueue queue() {
        return queue;
    }

    public SideChannels sideChannels() {
        return sideChannels;
    }

    /** Listeners of every input's decoded media (queue, side channel, thumbnails). */
    public void addMediaListener(InputMediaListener l) {
        mediaListeners.add(l);
    }

    public WebRtcTransport transport() {
        return transport;
    }

    private static void fallback(HttpRouting.Builder r) {
        r.any(ControlApi.guarded((req, res) -> {
            throw new ApiException(404, ErrorCodes.NOT_FOUND, "no route for " + req.prologue().method().text()
                    + " " + req.path().path());
        }));
        r.error(Throwable.class, (req, res, t) -> {
            LOG.error("unexpected error on {} {}", req.prologue().method().text(), req.path().path(), t);
            Replies.error(res, 500, ErrorCodes.INTERNAL_SERVER_ERROR, "internal error: " + t.getClass().getSimpleName());
        });
    }

    /** Smelter's reset: every input gone, sessions closed, side-channel files removed, queue stopped. */
    public void reset() {
        pipeline.reset();
        queue.discardScheduled(); // after the clock stopped: nothing pending survives into the next start
        registry.clear();
        LOG.info("pipeline reset");
    }

    public int apiPort() {
        return api.port();
    }

    public int whipPort() {
        return whip == null ? -1 : whip.port();
    }

    public InputRegistry registry() {
        return registry;
    }

    public ServerEvents events() {
        return events;
    }

    public Path sideChannelDir() {
        return sideChannelDir;
    }

    // ---- ops ----
    /** Every HTTP route of both listeners, as registered (checked against /openapi.json by a test). */
    public dev.ingot.server.ops.RouteCatalog routeCatalog() {
        return routeCatalog;
    }

    /** The newest decoded picture per input, for the dashboard's thumbnails (one of the media listeners). */
    public dev.ingot.server.ops.LatestFrames latestFrames() {
        return latestFrames;
    }

    /**
     * Starts draining (SIGTERM, {@code POST /api/drain}; once): new WHIP POSTs get 503 + Retry-After, live sessions go
     * on until they end or {@code INGOT_DRAIN_GRACE_SECONDS} pass, then {@link #afterDrain} runs. The returned
     * future completes with why the drain ended.
     */
    public java.util.concurrent.CompletableFuture<String> drain(String why) {
        if (drain.start(why)) {
            // on a thread of its own: never in the HTTP handler or signal handler that started the drain (System.exit
            // there would wait for the shutdown hook, which waits for that handler)
            drain.finished().thenAcceptAsync(reason -> {
                LOG.info("drain finished: {}; stopping", reason);
                afterDrain.run();
            }, task -> Thread.ofPlatform().name("drain-finished").start(task));
        }
        return drain.finished();
    }

    /** What to do once a drain has finished, instead of closing the server (Main: exit the process). */
    public IngotServer afterDrain(Runnable action) {
        this.afterDrain = action;
        return this;
    }

    /** How full the server is: sessions, decode load, what is left (the figures of /ready and /metrics). */
    public dev.ingot.server.ops.Capacity capacity() {
        return capacity;
    }

    /** What keeps the server from being ready apart from drain and capacity: listeners, decoders. */
    private List<String> notUp() {
        List<String> out = new java.util.ArrayList<>();
        if (config.whipServerEnabled() && (whip == null || !whip.isRunning())) {
            out.add("WHIP listener not up");
        }
        if (!decoderSupport.isDone()) {
            out.add("FFmpeg still loading");
        }
        return out;
    }
    // ---- end ops ----

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registry.clear();
        latestFrames.clear(); // ops
        if (transport != null) {
            transport.close();
        }
        if (queue != null) {
            queue.close();
        }
        sideChannels.close();
        events.closeAll();
        if (whip != null) {
            whip.stop();
        }
        if (api != null) {
            api.stop();
        }
        LOG.info("Ingot stopped");
    }
}
