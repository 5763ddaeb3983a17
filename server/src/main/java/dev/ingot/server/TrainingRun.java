package dev.ingot.server;

import dev.ingot.media.decode.VideoDecoder;
import dev.ingot.media.decode.VideoDecoderKind;
import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.media.decode.VulkanVideoProbe;
import dev.ingot.server.config.IngotConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training run that {@code bin/ingot} makes a JDK 25 AOT cache from ({@code -XX:AOTCacheOutput}, JEP 483/514/515):
 * a real server on loopback ephemeral ports, driven over HTTP the way clients drive it (16 registers at once, 16
 * WHIP POSTs of real captured offers at once, status and stats, unregister now and scheduled, session DELETE,
 * error answers, reset), then a clean exit, at which the JVM writes the cache. The cache holds the classes this
 * loaded, already parsed and linked, and the method profiles it gathered, so the first requests of a later start
 * do not pay for class loading and start compiling sooner. Not part of serving; prints one summary line.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=ingot.aot <bin/ingot's options> -cp ... dev.ingot.server.TrainingRun [ROUNDS]}.
 */
public final class TrainingRun {
    private static final int CONCURRENCY = 16;
    private static final List<String> OFFERS = List.of("training/chromium-h264.sdp", "training/ffmpeg-h264.sdp");

    private TrainingRun() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        Main.configureLogging("info");
        List<byte[]> offers = new ArrayList<>();
        for (String name : OFFERS) {
            try (InputStream in = TrainingRun.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                offers.add(in.readAllBytes());
            }
        }
        Path sideChannels = Files.createTempDirectory("ingot-training-");
        IngotConfig config = IngotConfig.fromMap(Map.of("INGOT_BIND_ADDRESS", "127.0.0.1",
                "SMELTER_WEBRTC_STUN_SERVERS", "", "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1")).withPorts(0, 0);
        // as Main: the decoder probe, and FFmpeg's natives loaded
        VideoDecoderSupport support = VulkanVideoProbe.probe();
        try (VideoDecoder warm = VideoDecoder.open(VideoDecoderKind.FFMPEG_H264)) {
            warm.decoderName();
        } catch (RuntimeException e) {
            System.err.println("training: FFmpeg could not be loaded: " + e);
        }
        long t0 = System.nanoTime();
        int requests = 0;
        try (IngotServer server = new IngotServer(config, CompletableFuture.completedFuture(support), sideChannels)
                .warmUpAtStart(true).start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Client c = new Client("http://127.0.0.1:" + server.apiPort(), "http://127.0.0.1:" + server.whipPort());
            for (int r = 0; r < rounds; r++) {
                requests += round(c, pool, r, offers);
            }
        }
        System.out.printf("training: %d requests in %d ms%n", requests, (System.nanoTime() - t0) / 1_000_000);
        deleteTree(sideChannels);
        System.exit(0);
    }

    /** One round of what clients do; returns the number of requests sent. */
    private static int round(Client c, ExecutorService pool, int r, List<byte[]> offers) throws Exception {
        int n = 0;
        c.get(c.api + "/status");
        c.get(c.api + "/stats");
        n += 2;
        List<Future<Integer>> out = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            String id = "train-" + r + "-" + i;
            String body = switch (i % 4) {
                case 0 -> "{\"type\":\"whip_server\",\"bearer_token\":\"train\"}";
                case 1 -> "{\"type\":\"whip_server\",\"bearer_token\":\"train\",\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\",\"any\"]}}";
                case 2 -> "{\"type\":\"whip_server\",\"bearer_token\":\"train\",\"required\":false,\"buffer_size_ms\":120}";
                default -> "{\"type\":\"whip_server\",\"bearer_token\":\"train\",\"side_channel\":{\"video\":true,\"audio\":true}}";
            };
            out.add(pool.submit(() -> c.postJson(c.api + "/api/input/" + id + "/register", body).statusCode()));
        }
        n += join(out);
        out.clear();
        List<Future<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            String id = "train-" + r + "-" + i;
            byte[] offer = offers.get(i % offers.size());
            posts.add(pool.submit(() -> c.send("POST", c.whip + "/whip/" + id, "application/sdp", offer, "train")));
        }
        List<String> locations = new ArrayList<>();
        for (Future<HttpResponse<String>> f : posts) {
            f.get().headers().firstValue("location").ifPresent(locations::add);
            n++;
        }
        c.get(c.api + "/stats");
        c.get(c.api + "/metrics");
        c.send("OPTIONS", c.whip + "/whip/train-" + r + "-0", null, new byte[0], null);
        n += 3;
        for (int i = 0; i < locations.size(); i += 4) { // some publishers leave with a DELETE
            c.send("DELETE", c.whip + locations.get(i), null, new byte[0], "train");
            n++;
        }
        // answers that are errors: bad JSON, unknown field, duplicate, wrong token, unknown input
        c.postJson(c.api + "/api/input/train-" + r + "-1/register", "{\"type\":");
        c.postJson(c.api + "/api/input/train-" + r + "-1/register", "{\"type\":\"whip_server\",\"colour\":1}");
        c.postJson(c.api + "/api/input/train-" + r + "-1/register", "{\"type\":\"whip_server\"}");
        c.send("POST", c.whip + "/whip/train-" + r + "-1", "application/sdp", offers.get(0), "wrong");
        c.send("POST", c.whip + "/whip/nobody", "application/sdp", offers.get(0), "train");
        c.postJson(c.api + "/api/input/nobody/unregister", "{}");
        n += 6;
        if (r == 0) {
            c.postJson(c.api + "/api/start", "{}");
            n++;
        }
        for (int i = 0; i < CONCURRENCY; i++) {
            String id = "train-" + r + "-" + i;
            String body = i % 2 == 0 ? "{}" : "{\"schedule_time_ms\": 0}";
            out.add(pool.submit(() -> c.postJson(c.api + "/api/input/" + id + "/unregister", body).statusCode()));
        }
        n += join(out);
        if (r % 4 == 3) {
            c.postJson(c.api + "/api/reset", "{}");
            n++;
        }
        return n;
    }

    private static int join(List<Future<Integer>> futures) throws Exception {
        for (Future<Integer> f : futures) {
            f.get();
        }
        return futures.size();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A small HTTP client for the training requests. */
    private record Client(String api, String whip, HttpClient http) {
        Client(String api, String whip) {
            this(api, whip, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build());
        }

        HttpResponse<String> get(String url) throws IOException, InterruptedException {
            return send("GET", url, null, null, null);
        }

        HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
            return send("POST", url, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
        }

        HttpResponse<String> send(String method, String url, String contentType, byte[] body, String token)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
