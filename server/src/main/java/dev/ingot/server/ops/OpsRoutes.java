package dev.ingot.server.ops;

import static dev.ingot.server.api.ControlApi.guarded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.api.ApiException;
import dev.ingot.server.api.ErrorCodes;
import dev.ingot.server.api.JsonCodec;
import dev.ingot.server.api.RegisterRequestParser;
import dev.ingot.server.api.StatusReport;
import dev.ingot.server.config.IngotConfig;
import dev.ingot.server.http.Replies;
import dev.ingot.server.input.InputRegistry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's routes on the control API listener: the dashboard ({@code GET /} and its files under
 * {@code /ops/}), {@code GET /metrics} (Prometheus), {@code GET /openapi.json} and
 * {@code GET /api/input/:id/thumbnail.jpg}.
 */
public final class OpsRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);
    /** Error code of a thumbnail request for an input that has no decoded picture (yet). */
    public static final String NO_PICTURE = "THUMBNAIL_NOT_AVAILABLE";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src *; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    /** The dashboard's files: name under {@code /ops/} to content type. */
    private static final Map<String, String> ASSETS = Map.of(
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final IngotConfig config;
    private final InputRegistry registry;
    private final StatusReport status;
    private final ThumbnailSource thumbnails;
    private final Supplier<PrometheusMetrics.ProcessFigures> process;
    private final IntSupplier whipPort;
    private final ConcurrentMap<String, byte[]> files = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, EncodedThumbnail> encoded = new ConcurrentHashMap<>();
    private final JsonNode openApi;

    private record EncodedThumbnail(long ptsNanos, int width, int height, byte[] jpeg) {
    }

    /**
     * @param whipPort the port the WHIP listener really listens on (differs from the configured one when that
     *                 is 0, as in tests), or a negative number when it is disabled
     */
    public OpsRoutes(IngotConfig config, InputRegistry registry, StatusReport status, ThumbnailSource thumbnails,
            Supplier<PrometheusMetrics.ProcessFigures> process, IntSupplier whipPort) {
        this.config = config;
        this.whipPort = whipPort;
        this.registry = registry;
        this.status = status;
        this.thumbnails = thumbnails;
        this.process = process;
        this.openApi = JsonCodec.parseBody(resource("openapi.json"));
        registry.onUnregister(input -> encoded.remove(input.id()));
    }

    public void routes(HttpRouting.Builder r) {
        r.get("/", guarded(this::page));
        r.get("/ops/{asset}", guarded(this::asset));
        r.get("/metrics", guarded(this::metrics));
        r.get("/openapi.json", guarded(this::openApi));
        r.get("/api/input/{id}/thumbnail.jpg", guarded(this::thumbnail));
    }

    /** The page, with the WHIP listener's real port in a meta tag (the page prefers /status's port when set). */
    private void page(ServerRequest req, ServerResponse res) {
        byte[] template = files.computeIfAbsent("index.html", OpsRoutes::resource);
        String html = new String(template, StandardCharsets.UTF_8)
                .replace("{{whip_port}}", Integer.toString(whipPort.getAsInt()));
        send(res, html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    private void asset(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("asset");
        String type = ASSETS.get(name);
        if (type == null) {
            throw Replies.notFound("no dashboard file " + name);
        }
        file(res, name, type);
    }

    private void file(ServerResponse res, String name, String type) {
        send(res, files.computeIfAbsent(name, OpsRoutes::resource), type);
    }

    private static void send(ServerResponse res, byte[] body, String type) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Content-Type-Options", "nosniff");
        if (type.startsWith("text/html")) {
            res.header("Content-Security-Policy", CSP);
        }
        res.send(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream("/ops/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource /ops/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        String text = PrometheusMetrics.render(status.stats(), process.get());
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, MetricsText.CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The OpenAPI document, with this server's WHIP port as the default of the WHIP server's port variable. */
    private void openApi(ServerRequest req, ServerResponse res) {
        JsonNode doc = openApi.deepCopy();
        int listening = whipPort.getAsInt() > 0 ? whipPort.getAsInt() : config.whipPort();
        for (JsonNode path : doc.path("paths")) {
            for (JsonNode server : path.path("servers")) {
                if (server.path("variables").path("port") instanceof ObjectNode port) {
                    port.put("default", Integer.toString(listening));
                }
            }
        }
        Replies.json(res, 200, doc);
    }

    private void thumbnail(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        RegisterRequestParser.checkInputId(id);
        if (registry.get(id).isEmpty()) {
            throw new ApiException(404, ErrorCodes.INPUT_STREAM_NOT_FOUND, "Input stream \"" + id + "\" does not exist.");
        }
        Optional<VideoFrame> latest = thumbnails.latestFrame(id);
        if (latest.isEmpty()) {
            throw new ApiException(404, NO_PICTURE, "input \"" + id + "\" has no decoded picture yet");
        }
        byte[] jpeg;
        VideoFrame frame = latest.get();
        try {
            EncodedThumbnail cached = encoded.get(id);
            if (cached != null && cached.ptsNanos == frame.ptsNanos() && cached.width == frame.width()
                    && cached.height == frame.height()) {
                jpeg = cached.jpeg;
            } else {
                jpeg = JpegThumbnail.encode(frame.width(), frame.height(), frame.rgbaArray(),
                        JpegThumbnail.DEFAULT_MAX_WIDTH);
                encoded.put(id, new EncodedThumbnail(frame.ptsNanos(), frame.width(), frame.height(), jpeg));
            }
        } catch (RuntimeException e) {
            LOG.warn("input={} thumbnail failed: {}", id, e.toString());
            throw new ApiException(500, ErrorCodes.INTERNAL_SERVER_ERROR, "thumbnail failed: " + e.getClass().getSimpleName());
        } finally {
            frame.release();
        }
        if (registry.get(id).isEmpty()) {
            encoded.remove(id); // unregistered while encoding: do not keep its picture
        }
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "image/jpeg");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(jpeg);
    }
}
