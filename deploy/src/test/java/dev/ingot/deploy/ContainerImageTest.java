package dev.ingot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image: {@code bin/image} writes an OCI layout whose blobs match their digests and whose config is
 * Ingot's contract (user 10001, ports, the side-channel volume, the entry point), the same contract as the
 * Containerfile's; unpacked by umoci (an independent OCI implementation) and started with {@code bin/image-run}
 * (namespaces + its own root, as the image's user, no engine), the image registers an input, decodes FFmpeg's WHIP
 * stream with the natives it carries, puts 1280x720 frames on the side channel, and on SIGTERM keeps decoding through
 * the drain's grace period, then exits 0 with its socket files removed.
 */
class ContainerImageTest {
    static final String SIDE_CHANNEL_DIR = "/run/ingot/side-channel";
    static final long IMAGE_UID = 10001;
    static final Path ROOT = KubernetesManifestsTest.findRoot();
    static final Path WORK = ROOT.resolve("deploy/target/image-test");
    static final Path LAYOUT = WORK.resolve("oci");
    static final String TAG = "test";
    /** The drain's grace period in the run: FFmpeg still publishes when it ends. */
    static final int GRACE_SECONDS = 15;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CACHE = Path.of(System.getenv().getOrDefault("INGOT_CACHE",
            System.getProperty("user.home") + "/.cache/ingot"));

    static JsonNode manifest;
    static JsonNode config;

    /** On CI ({@code CI=true}) a missing tool fails; elsewhere the test is skipped, saying how to get it. */
    static void require(String what, boolean present) {
        String msg = what + " is not available; run `bash .ci/install-deps` (as root)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.assertTrue(present, msg);
        } else {
            Assumptions.assumeTrue(present, msg);
        }
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    @BeforeAll
    static void buildImage() throws Exception {
        require("python3 and dpkg (bin/image writes the layout with python3, its base layer from Debian packages)",
                onPath("python3") && onPath("dpkg-query"));
        Files.createDirectories(WORK);
        Path log = WORK.resolve("bin-image.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(ROOT.resolve("bin/image").toString(), "--out", LAYOUT.toString(), "--tag", TAG)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("bin/image finished").isTrue();
        assertThat(p.exitValue()).as("bin/image: " + Files.readString(log)).isZero();
        System.out.println("[deploy] bin/image took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        JsonNode index = JSON.readTree(LAYOUT.resolve("index.json").toFile());
        JsonNode ref = index.path("manifests").get(0);
        assertThat(ref.at("/annotations/org.opencontainers.image.ref.name").asText()).isEqualTo(TAG);
        manifest = JSON.readTree(blob(ref));
        config = JSON.readTree(blob(manifest.path("config")));
    }

    /** A blob's bytes, after checking its size and sha256 against the descriptor. */
    static byte[] blob(JsonNode descriptor) throws Exception {
        String digest = descriptor.path("digest").asText();
        assertThat(digest).startsWith("sha256:");
        byte[] bytes = Files.readAllBytes(LAYOUT.resolve("blobs/sha256").resolve(digest.substring(7)));
        assertThat((long) bytes.length).isEqualTo(descriptor.path("size").asLong());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(digest.substring(7));
        return bytes;
    }

    @Test
    void theLayoutIsAnOciImageWithIngotsContract() throws Exception {
        assertThat(Files.readString(LAYOUT.resolve("oci-layout"))).contains("\"imageLayoutVersion\": \"1.0.0\"");
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.path("layers")).hasSize(4).allSatisfy(l ->
                assertThat(l.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip"));
        for (JsonNode layer : manifest.path("layers")) {
            blob(layer);
        }
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(config.at("/rootfs/diff_ids")).hasSize(4);
        JsonNode c = config.path("config");
        assertThat(c.path("User").asText()).isEqualTo(IMAGE_UID + ":" + IMAGE_UID);
        assertThat(fieldNames(c.path("ExposedPorts"))).containsExactlyInAnyOrder("8081/tcp", "9000/tcp", "50000/udp");
        assertThat(fieldNames(c.path("Volumes"))).containsExactly(SIDE_CHANNEL_DIR);
        assertThat(env(c)).containsEntry("SMELTER_SIDE_CHANNEL_SOCKET_DIR", SIDE_CHANNEL_DIR)
                .containsEntry("SMELTER_WEBRTC_UDP_MUX_PORT", "50000");
        assertThat(c.at("/Entrypoint/0").asText()).isEqualTo("/opt/ingot/runtime/bin/java");
        assertThat(c.path("Labels").path("org.opencontainers.image.revision").asText()).isNotBlank();
        assertThat(c.path("Labels").path("dev.ingot.ports").asText()).contains("8081/tcp", "9000/tcp", "50000/udp");
    }

    @Test
    void theContainerfileDescribesTheSameImage() throws Exception {
        String text = Files.readString(ROOT.resolve("Containerfile"));
        String runtime = text.substring(text.lastIndexOf("\nFROM "));
        JsonNode c = config.path("config");
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(runtime);
        assertThat(entry.find()).isTrue();
        assertThat(JSON.readTree(entry.group(1))).isEqualTo(c.path("Entrypoint"));
        Map<String, String> env = new LinkedHashMap<>();
        Matcher envLine = Pattern.compile("(?m)^ENV (\\w+)=(\\S+)$").matcher(runtime);
        while (envLine.find()) {
            env.put(envLine.group(1), envLine.group(2));
        }
        assertThat(env).isEqualTo(env(c));
        Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(runtime);
        assertThat(expose.find()).isTrue();
        assertThat(List.of(expose.group(1).split(" "))).containsExactlyInAnyOrderElementsOf(fieldNames(c.path("ExposedPorts")));
        assertThat(runtime).contains("VOLUME [\"" + SIDE_CHANNEL_DIR + "\"]", "USER " + c.path("User").asText(),
                "WORKDIR " + c.path("WorkingDir").asText(), "STOPSIGNAL " + c.path("StopSignal").asText());
    }

    @Test
    void theUnpackedImageRunsAsItsUserDecodesARealPublisherAndDrainsOnSigterm() throws Exception {
        require("root (namespaces and mounts)", "root".equals(System.getProperty("user.name")));
        require("umoci (Debian package umoci)", onPath("umoci"));
        require("unshare (util-linux)", onPath("unshare"));
        require("FFmpeg 8.1 (interop/ffmpeg)", Files.isExecutable(CACHE.resolve("ffmpeg-8.1.2-1.5.14/ffmpeg")));
        Path bundle = WORK.resolve("bundle");
        run(List.of("rm", "-rf", bundle.toString()));
        run(List.of("umoci", "unpack", "--image", LAYOUT + ":" + TAG, bundle.toString()));
        Path rootfs = bundle.resolve("rootfs");
        assertThat(rootfs.resolve("opt/ingot/runtime/bin/java")).isExecutable();
        assertThat(rootfs.resolve("bin/sh")).as("no shell in the image").doesNotExist();
        try (Stream<Path> jars = Files.list(rootfs.resolve("opt/ingot/lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith("-linux-x86_64.jar"));
        }
        Path sc = WORK.resolve("side-channel");
        run(List.of("rm", "-rf", sc.toString()));
        Files.createDirectories(sc);
        run(List.of("chown", IMAGE_UID + ":" + IMAGE_UID, sc.toString()));

        int api = freeTcpPort();
        int whip = freeTcpPort();
        int mux;
        try (DatagramSocket s = new DatagramSocket(0)) {
            mux = s.getLocalPort();
        }
        Path log = WORK.resolve("ingot.log");
        Path ffLog = WORK.resolve("ffmpeg.log");
        Process container = new ProcessBuilder(ROOT.resolve("bin/image-run").toString(), bundle.toString(),
                "-v", sc + ":" + SIDE_CHANNEL_DIR, "-e", "SMELTER_API_PORT=" + api,
                "-e", "SMELTER_WHIP_WHEP_SERVER_PORT=" + whip, "-e", "SMELTER_WEBRTC_UDP_MUX_PORT=" + mux,
                "-e", "INGOT_BIND_ADDRESS=127.0.0.1", "-e", "SMELTER_WEBRTC_STUN_SERVERS=",
                "-e", "INGOT_DRAIN_GRACE_SECONDS=" + GRACE_SECONDS)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Process ffmpeg = null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            String base = "http://127.0.0.1:" + api;
            await("the image's server is ready (log: " + log + ")", 120_000, () -> {
                assertThat(container.isAlive()).as("exited early:\n" + tail(log)).isTrue();
                return status(http, base + "/ready") == 200;
            });
            ProcessHandle java = container.toHandle().descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("/opt/ingot/runtime/bin/java"))
                    .findFirst().orElseThrow();
            assertThat(Files.readAllLines(Path.of("/proc/" + java.pid() + "/status")))
                    .as("runs as the image's user").anyMatch(l -> l.matches("Uid:\\s+" + IMAGE_UID + "\\s.*"));

            String token = JSON.readTree(post(http, base + "/api/input/cam/register",
                    "{\"type\":\"whip_server\",\"side_channel\":{\"video\":true}}")).path("bearer_token").asText();
            post(http, base + "/api/start", "{}");
            assertThat(sc.resolve("video_cam.sock")).exists();
            ffmpeg = new ProcessBuilder(ROOT.resolve("interop/ffmpeg-whip.sh").toString(),
                    "http://127.0.0.1:" + whip + "/whip/cam", token, "0")
                    .redirectErrorStream(true).redirectOutput(ffLog.toFile()).start();
            Process ff = ffmpeg;
            await("frames decoded in the image (logs: " + log + ", " + ffLog + ")", 60_000, () -> {
                assertThat(ff.isAlive()).as("ffmpeg exited:\n" + tail(ffLog)).isTrue();
                return framesDecoded(http, base) > 30;
            });
            int[] frame = readVideoFrameHeader(sc.resolve("video_cam.sock"));
            assertThat(frame).containsExactly(1280, 720);
            assertThat(Files.readString(log)).doesNotContain("FFmpeg could not be loaded").doesNotContain("Exception");

            // SIGTERM while FFmpeg publishes: the session goes on through the drain's grace period, then the server
            // closes it, removes its sockets and exits 0
            long atTerm = framesDecoded(http, base);
            new ProcessBuilder("kill", "-TERM", Long.toString(java.pid())).start().waitFor();
            await("frames still decoded while draining", 60_000, () -> {
                assertThat(container.isAlive()).as("exited before decoding on:\n" + tail(log)).isTrue();
                return framesDecoded(http, base) > atTerm + 15;
            });
            assertThat(container.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM:\n" + tail(log)).isTrue();
            assertThat(container.exitValue()).isZero();
            assertThat(Files.readString(log)).contains("draining (SIGTERM)",
                    "grace period of " + GRACE_SECONDS + " s over with 1 session(s) still live", "Ingot stopped");
            try (Stream<Path> left = Files.list(sc)) {
                assertThat(left.toList()).as("socket files removed").isEmpty();
            }
        } finally {
            if (ffmpeg != null && ffmpeg.isAlive()) {
                ffmpeg.descendants().forEach(ProcessHandle::destroyForcibly);
                ffmpeg.destroyForcibly();
            }
            if (container.isAlive()) {
                container.descendants().forEach(ProcessHandle::destroyForcibly);
                container.destroyForcibly();
            }
            http.shutdownNow();
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Map<String, String> env(JsonNode imageConfig) {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode e : imageConfig.path("Env")) {
            String s = e.asText();
            m.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        return m;
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0).as(command + ": " + out).isTrue();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String post(HttpClient http, String url, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static long framesDecoded(HttpClient http, String base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/stats"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("inputs").path("cam").path("video_frames_decoded").asLong();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The first video message's header on a side-channel socket: {width, height}. */
    private static int[] readVideoFrameHeader(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer head = ByteBuffer.allocate(20);
            while (head.hasRemaining()) {
                if (ch.read(head) < 0) {
                    throw new IOException("side channel closed before a frame");
                }
            }
            head.flip();
            long length = head.getInt() & 0xffffffffL;
            int width = head.getInt();
            int height = head.getInt();
            assertThat(length).isEqualTo(16L + (long) width * height * 4);
            return new int[] {width, height};
        }
    }

    private static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < end).as("timed out waiting for " + what).isTrue();
            Thread.sleep(200);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
