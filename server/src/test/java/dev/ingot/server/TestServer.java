package dev.ingot.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.server.api.JsonCodec;
import dev.ingot.server.config.IngotConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A real Ingot server on free loopback ports, and a small HTTP client for tests. */
public final class TestServer implements AutoCloseable {
    public final IngotServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final String api;
    public final String whip;

    public TestServer(Map<String, String> env, VideoDecoderSupport support) {
        try {
            Path dir = Files.createTempDirectory("ingot-test-sc-");
            Map<String, String> full = new java.util.HashMap<>(env);
            full.putIfAbsent("INGOT_BIND_ADDRESS", "127.0.0.1");
            full.putIfAbsent("SMELTER_WEBRTC_STUN_SERVERS", "");
            IngotConfig config = IngotConfig.fromMap(full).withPorts(0, 0);
            server = new IngotServer(config, CompletableFuture.completedFuture(support), dir).start();
            api = "http://127.0.0.1:" + server.apiPort();
            whip = server.whipPort() > 0 ? "http://127.0.0.1:" + server.whipPort() : null;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public TestServer() {
        this(Map.of());
    }

    public TestServer(Map<String, String> env) {
        this(env, VideoDecoderSupport.withoutVulkan("tests run without a GPU"));
    }

    public HttpResponse<String> send(String method, String url, String contentType, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> postJson(String path, String json) {
        return send("POST", api + path, "application/json", json);
    }

    /** Registers a whip_server input and returns its bearer token. */
    public String register(String id, String extraJson) {
        String body = "{\"type\":\"whip_server\"" + (extraJson.isEmpty() ? "" : "," + extraJson) + "}";
        HttpResponse<String> r = postJson("/api/input/" + id + "/register", body);
        if (r.statusCode() != 200) {
            throw new AssertionError("register " + id + " failed: " + r.statusCode() + " " + r.body());
        }
        return json(r).get("bearer_token").asText();
    }

    public static JsonNode json(HttpResponse<String> r) {
        return JsonCodec.parseBody(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
