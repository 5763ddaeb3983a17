package dev.ingot.server.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real publishers that {@code .ci/install-deps} installs and runs them as processes. On CI
 * ({@code CI=true}) a missing tool fails the test; on a developer machine without them it is skipped with the
 * command that installs them.
 */
final class InteropTools {
    static final Path ROOT = findRoot();
    static final Path CACHE = Path.of(System.getenv().getOrDefault("INGOT_CACHE",
            System.getProperty("user.home") + "/.cache/ingot"));

    private InteropTools() {
    }

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("interop"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("..").toAbsolutePath().normalize() : p;
    }

    static void require(String what, boolean present) {
        String msg = what + " is not installed; run `bash .ci/install-deps` (as root) to install the real publishers";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.assertTrue(present, msg);
        } else {
            Assumptions.assumeTrue(present, msg);
        }
    }

    static void requireChromium() {
        require("Chromium + playwright-core", Files.isExecutable(Path.of("/usr/bin/chromium"))
                && Files.exists(CACHE.resolve("npm/node_modules/playwright-core/package.json")));
    }

    /** Smelter's TypeScript SDK, {@code @swmansion/smelter-node} (with Node.js), from {@code $INGOT_CACHE/npm}. */
    static void requireSmelterSdk() {
        require("Node.js + @swmansion/smelter-node", isOnPath("node")
                && Files.exists(CACHE.resolve("npm/node_modules/@swmansion/smelter-node/package.json")));
    }

    private static boolean isOnPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static void requireGstreamer() {
        require("GStreamer webrtcbin (python3-gi)", Files.isExecutable(Path.of("/usr/bin/gst-inspect-1.0"))
                && Files.exists(Path.of("/usr/lib/python3/dist-packages/gi")));
    }

    static void requireFfmpeg() {
        require("the FFmpeg 8.1 CLI", Files.exists(ROOT.resolve("interop/ffmpeg"))
                && Files.isDirectory(CACHE) && hasFfmpegBinary());
    }

    private static boolean hasFfmpegBinary() {
        try (var s = Files.list(CACHE)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("ffmpeg-") && Files.isExecutable(p.resolve("ffmpeg")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command to completion (or kills it at the timeout); output goes to a log file; returns the exit code. */
    static int run(String name, List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(name, command, timeout, java.util.Map.of());
    }

    static int run(String name, List<String> command, Duration timeout, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Path logs = ROOT.resolve("server/target/interop-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("INGOT_CACHE", CACHE.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroy();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            System.out.println("[interop] " + name + " timed out; log: " + log + "\n" + tail(log));
            return -1;
        }
        System.out.println("[interop] " + name + " exited " + p.exitValue() + "; log tail:\n" + tail(log));
        return p.exitValue();
    }

    /** Starts a command that runs until stopped; output goes to server/target/interop-logs/NAME.log. */
    static Process start(String name, List<String> command) throws IOException {
        Path logs = ROOT.resolve("server/target/interop-logs");
        Files.createDirectories(logs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("INGOT_CACHE", CACHE.toString());
        return pb.start();
    }

    static Path log(String name) {
        return ROOT.resolve("server/target/interop-logs/" + name + ".log");
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
