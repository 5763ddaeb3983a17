package dev.ingot.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.sdp.Setup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a running Ingot process with a streaming WHIP session and an input with a side channel: SIGTERM drains
 * (the session may go on for {@code INGOT_DRAIN_GRACE_SECONDS}, {@value #GRACE_SECONDS} s here), then the process
 * exits 0 within 5 s of the grace period's end through its shutdown hook (sessions closed, listeners stopped,
 * {@code .sock} files removed) and its ports are free again. {@link DrainWithRealPublisherTest} covers the drain
 * itself.
 *
 * <p>The process is the real launcher, {@code bin/ingot}, when the packaged server ({@code server/target/
 * ingot-server.jar} + {@code lib/}) is up to date with the sources; otherwise (a clean {@code mvn install} runs
 * the tests before it packages) the same {@code dev.ingot.server.Main} runs with this JVM's class path, so the
 * test never starts a nested Maven build. The output says which.
 */
class SigtermShutdownTest {
    /** The drain's grace period in this test: the streaming session outlives it. */
    static final int GRACE_SECONDS = 2;
    /** The side channel's package: once it exists, register with side_channel must create the socket files. */
    static final Path SIDE_CHANNEL_SOURCES = FaultTools.ROOT.resolve("server/src/main/java/dev/ingot/server/sidechannel");

    static Process startIngot(List<String> command, int apiPort, int whipPort, Path scDir, Path log)
            throws IOException {
        return startIngot(command, apiPort, whipPort, scDir, log, GRACE_SECONDS);
    }

    static Process startIngot(List<String> command, int apiPort, int whipPort, Path scDir, Path log, int graceSeconds)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(FaultTools.ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SMELTER_API_PORT", Integer.toString(apiPort));
        pb.environment().put("SMELTER_WHIP_WHEP_SERVER_PORT", Integer.toString(whipPort));
        pb.environment().put("SMELTER_SIDE_CHANNEL_SOCKET_DIR", scDir.toString());
        pb.environment().put("SMELTER_WEBRTC_STUN_SERVERS", "");
        pb.environment().put("INGOT_BIND_ADDRESS", "127.0.0.1");
        pb.environment().put("INGOT_DRAIN_GRACE_SECONDS", Integer.toString(graceSeconds));
        return pb.start();
    }

    /** Both listeners answer (the WHIP one starts after the API one). */
    static void awaitListeners(HttpClient http, Process ingot, int apiPort, int whipPort, Path log) {
        Resources.await("the API and WHIP listeners answer (log: " + log + ")", 90_000, () -> {
            assertThat(ingot.isAlive()).as("ingot exited early:\n" + FaultTools.tail(log, 30)).isTrue();
            return status(http, "GET", "http://127.0.0.1:" + apiPort + "/status") == 200
                    && status(http, "OPTIONS", "http://127.0.0.1:" + whipPort + "/whip/x") == 204;
        });
    }

    static void sigterm(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -TERM sent").isTrue();
    }

    /**
     * bin/ingot runs the JVM with {@code -XX:+AutoCreateSharedArchive}: when the class-data archive is missing (or
     * older than the jar, which bin/ingot then deletes), the JVM writes it while exiting, which takes seconds
     * (13 s measured on a loaded 2-core machine). That is a once-per-build cost, not shutdown behaviour; one
     * unmeasured run pays it first (see docs/reliability.md).
     */
    static void writeClassDataArchiveFirst(HttpClient http, List<String> command) throws Exception {
        Path jar = FaultTools.ROOT.resolve("server/target/ingot-server.jar");
        Path jsa = FaultTools.ROOT.resolve("server/target/ingot-cds.jsa");
        // bin/ingot deletes an archive older than the jar, so that case is "missing" too
        if (!command.get(0).endsWith("bin/ingot")
                || (Files.exists(jsa) && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) >= 0)) {
            return;
        }
        Path log = FaultTools.logFile("sigterm-cds-warmup");
        int api = FaultTools.freeTcpPort();
        int whip = FaultTools.freeTcpPort();
        Process warm = startIngot(command, api, whip, Files.createTempDirectory("ingot-sigterm-warm-").resolve("sc"), log);
        try {
            awaitListeners(http, warm, api, whip, log);
            long t0 = System.nanoTime();
            sigterm(warm);
            assertThat(warm.waitFor(120, TimeUnit.SECONDS)).as("warm-up run exited").isTrue();
            System.out.println("[faults] first exit after a build (the JVM writes the CDS archive): "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } finally {
            if (warm.isAlive()) {
                FaultTools.killHard(warm);
            }
        }
    }

    @Test
    void sigtermDrainsThenStopsTheServerWithinFiveSecondsOfTheGracePeriodAndRemovesItsSocketFiles() throws Exception {
        int apiPort = FaultTools.freeTcpPort();
        int whipPort = FaultTools.freeTcpPort();
        Path scDir = Files.createTempDirectory("ingot-sigterm-").resolve("sc");
        Path log = FaultTools.logFile("sigterm");
        List<String> command = launcher();
        System.out.println("[faults] SIGTERM test runs: " + String.join(" ", command.subList(0, Math.min(3, command.size())))
                + " … (log: " + log + ")");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        writeClassDataArchiveFirst(http, command);
        Process ingot = startIngot(command, apiPort, whipPort, scDir, log);
        StreamingPublisher pub = null;
        try {
            String api = "http://127.0.0.1:" + apiPort;
            awaitListeners(http, ingot, apiPort, whipPort, log);
            HttpResponse<String> reg = http.send(HttpRequest.newBuilder(URI.create(api + "/api/input/sig_in/register"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"type\":\"whip_server\",\"side_channel\":{\"video\":true,\"audio\":true}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
            String token = dev.ingot.server.TestServer.json(reg).get("bearer_token").asText();
            pub = StreamingPublisher.start("http://127.0.0.1:" + whipPort + "/whip/sig_in", token, Setup.ACTPASS, 500);
            StreamingPublisher live = pub;
            Resources.await("RTCP receiver reports from the child (media is flowing)", 15_000,
                    () -> live.pub.rtcpReceived.get() > 0);

            Path video = scDir.resolve("video_sig_in.sock");
            Path audio = scDir.resolve("audio_sig_in.sock");
            boolean sideChannelBuilt = Files.isDirectory(SIDE_CHANNEL_SOURCES);
            if (sideChannelBuilt) {
                Resources.await("side-channel socket files", 5000, () -> Files.exists(video) && Files.exists(audio));
            } else {
                // The side channel (issue: side channel helper) has not landed in this tree yet: nothing creates
                // the files, so only process exit and port release are checked. Once the package exists this
                // branch is dead and the files must appear above and be gone below.
                System.out.println("[faults] no " + SIDE_CHANNEL_SOURCES + " yet: socket-file checks skipped");
            }

            long t0 = System.nanoTime();
            sigterm(ingot);
            boolean exited = ingot.waitFor(GRACE_SECONDS + 5, TimeUnit.SECONDS);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(exited).as("exited within 5 s of the " + GRACE_SECONDS + " s grace period; log:\n"
                    + FaultTools.tail(log, 30)).isTrue();
            System.out.println("[faults] SIGTERM -> exit " + ingot.exitValue() + " in " + tookMs + " ms");
            // the drain ends in System.exit(0), which runs the shutdown hook
            assertThat(ingot.exitValue()).isZero();
            String logText = Files.readString(log);
            assertThat(logText).contains("draining (SIGTERM)")
                    .contains("grace period of " + GRACE_SECONDS + " s over with 1 session(s) still live");
            assertThat(logText).as("the shutdown hook ran to its end").contains("Ingot stopped");
            assertThat(FaultTools.tcpPortFree(apiPort)).as("API port released").isTrue();
            assertThat(FaultTools.tcpPortFree(whipPort)).as("WHIP port released").isTrue();
            try (Stream<Path> left = Files.list(scDir)) {
                assertThat(left.filter(p -> p.toString().endsWith(".sock")).toList()).as("socket files left").isEmpty();
            }
            if (sideChannelBuilt) {
                assertThat(video).doesNotExist();
                assertThat(audio).doesNotExist();
            }
        } finally {
            if (pub != null) {
                pub.vanish();
            }
            http.shutdownNow();
            if (ingot.isAlive()) {
                FaultTools.killHard(ingot);
            }
        }
    }

    private static int status(HttpClient http, String method, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code bin/ingot} when its packaged build is current (it would otherwise run Maven), else Main directly. */
    static List<String> launcher() throws IOException {
        Path jar = FaultTools.ROOT.resolve("server/target/ingot-server.jar");
        if (packagedBuildIsCurrent(jar)) {
            return List.of(FaultTools.ROOT.resolve("bin/ingot").toString());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.ingot.server.Main"));
        return cmd;
    }

    /** The same rule as {@code needs_build} in bin/lib/common.sh, inverted. */
    static boolean packagedBuildIsCurrent(Path jar) throws IOException {
        if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
            return false;
        }
        FileTime stamp = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(FaultTools.ROOT)) {
            return files.filter(p -> !p.startsWith(FaultTools.ROOT.resolve(".git")))
                    .filter(p -> p.getFileName().toString().equals("pom.xml") || p.toString().contains("/src/main/"))
                    .filter(Files::isRegularFile)
                    .noneMatch(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(stamp) > 0;
                        } catch (IOException e) {
                            return true;
                        }
                    });
        }
    }
}
