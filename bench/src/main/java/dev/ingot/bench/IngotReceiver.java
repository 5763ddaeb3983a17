package dev.ingot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Ingot as a child process (the same java command line as {@code bin/ingot}, so its CPU and memory are
 * its own), on free loopback ports, with N whip_server inputs registered through the control API.
 */
public final class IngotReceiver implements Receiver {
    /**
     * Where Ingot's {@code GET /stats} reports an input's decoded video frame counter, as JSON Pointers relative
     * to {@code inputs.<id>}; the first one present is used. Change here (or {@code --decoded-field}) once
     * decoding is wired and the field has its name.
     */
    public static final List<String> DECODED_FRAMES_FIELDS = List.of(
            "/video_frames_decoded", "/video_decoded_frames", "/video/frames_decoded", "/video_rtp/frames_decoded", "/frames_decoded");

    private static final String PROBE_ID = "bench-probe";
    private final Path root;
    private final Path logDir;
    private final List<String> decodedFields;
    private final List<String> command;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private String api;
    private String whip;
    private final List<String> ids = new ArrayList<>();
    private Endpoint probe;
    private volatile String decodedField;
    private Path sideChannelDir;

    /**
     * @param command the Ingot command line; empty for the default (this JVM's java, bin/ingot's options)
     */
    public IngotReceiver(Path root, Path logDir, List<String> decodedFields, List<String> command) {
        this.root = root;
        this.logDir = logDir;
        this.decodedFields = decodedFields;
        this.command = command;
    }

    @Override
    public String name() {
        return "ingot";
    }

    private List<String> defaultCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = root.resolve("server/target/ingot-server.jar") + File.pathSeparator
                + root.resolve("server/target/lib") + File.separator + "*";
        List<String> cmd = new ArrayList<>(List.of(java));
        String opts = System.getenv("INGOT_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        // as bin/ingot (less its class-data-sharing archive, which only speeds up start-up)
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xss512k", "--enable-native-access=ALL-UNNAMED",
                "-cp", cp, "dev.ingot.server.Main"));
        return cmd;
    }

    @Override
    public List<Endpoint> start(int n) throws Exception {
        int apiPort = freePort();
        int whipPort = freePort();
        while (whipPort == apiPort) {
            whipPort = freePort();
        }
        sideChannelDir = Files.createTempDirectory("ingot-bench-sc-");
        ProcessBuilder pb = new ProcessBuilder(command.isEmpty() ? defaultCommand() : command);
        Map<String, String> env = pb.environment();
        env.put("SMELTER_API_PORT", String.valueOf(apiPort));
        env.put("SMELTER_WHIP_WHEP_SERVER_PORT", String.valueOf(whipPort));
        env.put("INGOT_BIND_ADDRESS", "127.0.0.1");
        env.put("SMELTER_WEBRTC_STUN_SERVERS", "");
        env.put("SMELTER_SIDE_CHANNEL_SOCKET_DIR", sideChannelDir.toString());
        env.put("INGOT_WHIP_POSTS_PER_MINUTE_PER_IP", "1000000");
        env.put("INGOT_MAX_SESSIONS", String.valueOf(Math.max(64, n + 4)));
        env.putIfAbsent("SMELTER_LOGGER_LEVEL", "warn");
        Files.createDirectories(logDir);
        File log = logDir.resolve("ingot-n" + n + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(log);
        process = pb.start();
        api = "http://127.0.0.1:" + apiPort;
        whip = "http://127.0.0.1:" + whipPort;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Json.get(http, api + "/status") == null) {
            if (!process.isAlive()) {
                throw new IOException("ingot exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("ingot did not answer GET /status within 60 s; see " + log);
            }
            Thread.sleep(50);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        ids.clear();
        for (int i = 0; i < n; i++) {
            String id = "bench-" + i;
            ids.add(id);
            endpoints.add(new Endpoint(whip + "/whip/" + id, register(id)));
        }
        probe = new Endpoint(whip + "/whip/" + PROBE_ID, register(PROBE_ID));
        return endpoints;
    }

    private String register(String id) throws Exception {
        HttpResponse<String> r = Json.post(http, api + "/api/input/" + id + "/register", "{\"type\":\"whip_server\"}");
        if (r.statusCode() != 200) {
            throw new IOException("register " + id + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("bearer_token").asText("");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public List<Long> pids() {
        return process == null ? List.of() : List.of(process.pid());
    }

    @Override
    public Endpoint probeEndpoint() {
        return probe;
    }

    @Override
    public List<StreamCounters> poll(boolean withPackets) {
        JsonNode stats = Json.get(http, api + "/stats");
        List<StreamCounters> out = new ArrayList<>();
        for (String id : ids) {
            JsonNode in = stats == null ? null : stats.path("inputs").path(id);
            if (in == null || in.isMissingNode()) {
                out.add(StreamCounters.NONE);
                continue;
            }
            OptionalLong decoded = OptionalLong.empty();
            String field = decodedField;
            if (field != null) {
                decoded = Json.number(in, field);
            } else {
                for (String f : decodedFields) {
                    decoded = Json.number(in, f);
                    if (decoded.isPresent()) {
                        decodedField = f;
                        break;
                    }
                }
            }
            OptionalLong received = Json.sum(Json.number(in, "/video_rtp/packets_received"),
                    Json.number(in, "/audio_rtp/packets_received"));
            OptionalLong lost = Json.sum(Json.number(in, "/video_rtp/packets_lost"),
                    Json.number(in, "/audio_rtp/packets_lost"));
            out.add(new StreamCounters(decoded, received, lost));
        }
        return out;
    }

    @Override
    public String decodedFramesMissingReason() {
        return decodedField != null ? null
                : "GET /stats has none of " + String.join(", ", decodedFields) + " under inputs.<id>"
                        + " (decoding not wired yet?)";
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy(); // SIGTERM: Ingot shuts down cleanly
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (sideChannelDir != null) {
            try (var files = Files.walk(sideChannelDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind
            }
        }
    }
}
