package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.TestServer;
import dev.ingot.server.input.InputState;
import dev.ingot.server.input.RegisteredInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: headless Chromium (playwright-core, {@code interop/dashboard-check.mjs})
 * opens the page, clicks "Publish from this browser", and the page must show the new input connected with a
 * thumbnail; then "Stop" must remove it. Chromium runs in a network namespace joined by a veth pair so its ICE
 * checks come only from there; the screenshot lands in {@code server/target/dashboard.png}.
 *
 * <p>The thumbnail is the server's own decode of what Chromium's fake camera sends. On CI ({@code CI=true}) a missing Chromium, playwright-core or namespace support fails; elsewhere it skips.
 */
class DashboardBrowserTest {
    /** Its own namespace and addresses, so it can run beside the interop tests' namespace. */
    static final String NETNS = "ingot-dash";
    static final String HOST_SIDE = "169.254.78.1";
    static final Path ROOT = findRoot();
    static final Path CACHE = Path.of(System.getenv().getOrDefault("INGOT_CACHE",
            System.getProperty("user.home") + "/.cache/ingot"));
    static TestServer t;
    static boolean netnsUp;
    static final Set<String> seenConnected = ConcurrentHashMap.newKeySet();
    static volatile boolean watching = true;
    static Thread watcher;

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(Map.of("INGOT_BIND_ADDRESS", "0.0.0.0",
                "SMELTER_WEBRTC_1_TO_1_NAT_IPS", "127.0.0.1," + HOST_SIDE));
        netnsUp = run("dashboard-netns-up", List.of("bash", "interop/netns.sh", "up", NETNS, HOST_SIDE + "/30",
                "169.254.78.2/30"), Duration.ofSeconds(20)) == 0;
        watcher = Thread.ofPlatform().daemon().name("dashboard-test-watch").start(DashboardBrowserTest::watch);
    }

    @AfterAll
    static void stop() throws Exception {
        watching = false;
        if (watcher != null) {
            watcher.join(2000);
        }
        if (t != null) {
            t.close();
        }
        run("dashboard-netns-down", List.of("bash", "interop/netns.sh", "down", NETNS), Duration.ofSeconds(20));
    }

    /** Notes which inputs the server saw connected while the browser ran. */
    private static void watch() {
        while (watching) {
            for (RegisteredInput in : t.server.registry().all()) {
                if (in.state() == InputState.CONNECTED) {
                    seenConnected.add(in.id());
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Test
    void publishingFromThePageShowsTheInputLiveWithAThumbnailAndStopRemovesIt() throws Exception {
        require("Chromium + playwright-core", Files.isExecutable(Path.of("/usr/bin/chromium"))
                && Files.exists(CACHE.resolve("npm/node_modules/playwright-core/package.json")));
        require("a network namespace with a veth pair (needs root and iproute2)", netnsUp);
        Path shot = ROOT.resolve("server/target/dashboard.png");
        Files.deleteIfExists(shot);
        String page = "http://" + HOST_SIDE + ":" + t.server.apiPort() + "/";
        int rc = run("dashboard-check", List.of("ip", "netns", "exec", NETNS, "node", "interop/dashboard-check.mjs",
                page, "--expect", "thumbnail", "--screenshot", shot.toString(), "--settle-ms", "5000"),
                Duration.ofSeconds(120));
        assertThat(rc).as("dashboard-check exit code (log in server/target/interop-logs)").isZero();
        assertThat(seenConnected).as("a browser-* input reached CONNECTED on the server")
                .anySatisfy(id -> assertThat(id).startsWith("browser-"));
        assertThat(Files.readAllBytes(shot)).as("a PNG screenshot").startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        // Stop: the page DELETEd the session and unregistered the input
        assertThat(t.server.registry().all()).noneSatisfy(in -> assertThat(in.id()).startsWith("browser-"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!t.server.transport().sessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(t.server.transport().sessions()).as("no WHIP session left").isEmpty();
    }

    // --- the skip/fail pattern of interop.InteropTools ---

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("interop"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("..").toAbsolutePath().normalize() : p;
    }

    /** On CI ({@code CI=true}) a missing tool fails the test; on a developer machine it skips it. */
    private static void require(String what, boolean present) {
        String msg = what + " is not available; run `bash .ci/install-deps` (as root) to install the real publishers";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.assertTrue(present, msg);
        } else {
            Assumptions.assumeTrue(present, msg);
        }
    }

    private static int run(String name, List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path logs = ROOT.resolve("server/target/interop-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("INGOT_CACHE", CACHE.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            System.out.println("[dashboard] " + name + " could not start: " + e.getMessage());
            return -1;
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroy();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            System.out.println("[dashboard] " + name + " timed out; log: " + log);
            return -1;
        }
        List<String> lines = Files.readAllLines(log);
        System.out.println("[dashboard] " + name + " exited " + p.exitValue() + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        return p.exitValue();
    }
}
