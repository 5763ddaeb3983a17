package dev.ingot.server.faults;

import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunMessageWriter;
import dev.ingot.server.TestServer;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.net.WebRtcTransport;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Shared pieces of the fault tests: finding sessions, ports, threads; external tools and processes. */
final class FaultTools {
    static final Path ROOT = findRoot();
    static final Path CACHE = Path.of(System.getenv().getOrDefault("INGOT_CACHE",
            System.getProperty("user.home") + "/.cache/ingot"));

    private FaultTools() {
    }

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("interop")) && Files.exists(p.resolve("bin/ingot")))) {
            p = p.getParent();
        }
        return p == null ? Path.of("..").toAbsolutePath().normalize() : p;
    }

    /** On CI ({@code CI=true}) a missing tool fails the test; elsewhere the test is skipped, saying how to get it. */
    static void require(String what, boolean present) {
        String msg = what + " is not installed; run `bash .ci/install-deps` (as root) to install it";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.assertTrue(present, msg);
        } else {
            Assumptions.assumeTrue(present, msg);
        }
    }

    static boolean ffmpegPresent() {
        return Files.isExecutable(ROOT.resolve("interop/ffmpeg"))
                && Files.isExecutable(CACHE.resolve("ffmpeg-8.1.2-1.5.14/ffmpeg"));
    }

    static Optional<WebRtcTransport.LiveSession> live(TestServer t, String inputId) {
        Optional<RegisteredInput> in = t.server.registry().get(inputId);
        return in.isEmpty() ? Optional.empty() : t.server.transport().sessionOf(in.get());
    }

    static WebRtcTransport.LiveSession awaitLive(TestServer t, String inputId, long timeoutMs) {
        Resources.await("a session on " + inputId, timeoutMs, () -> live(t, inputId).isPresent());
        return live(t, inputId).orElseThrow();
    }

    /** The session's threads: its UDP reader (platform), timer and DTLS threads (virtual). */
    static List<String> sessionThreads(String inputId) {
        return Resources.allThreadNames().stream().filter(n -> n.startsWith("udp-" + inputId + "-")
                || n.equals("session-timer-" + inputId) || n.equals("dtls-" + inputId)).toList();
    }

    static void awaitNoSessionThreads(String inputId, long timeoutMs) {
        Resources.await("no threads left for " + inputId + " (have " + sessionThreads(inputId) + ")", timeoutMs,
                () -> sessionThreads(inputId).isEmpty());
    }

    /** True when the UDP port can be bound again on the wildcard address (the session's socket was closed). */
    static boolean udpPortFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", port))) {
            return s.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean tcpPortFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A nominating ICE connectivity check with the credentials of an offer and its answer. */
    static byte[] bindingRequest(SecureRandom rng, String serverUfrag, String serverPwd, String clientUfrag) {
        return StunMessageWriter.iceBindingRequest(StunMessageWriter.newTransactionId(rng),
                serverUfrag + ":" + clientUfrag, 0x6e7f1eff, rng.nextLong(), true,
                MessageIntegrityKey.shortTerm(serverPwd));
    }

    /** The first {@code a=<name>:} value in an SDP text. */
    static String sdpAttribute(String sdp, String name) {
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("a=" + name + ":")) {
                return line.substring(name.length() + 3).strip();
            }
        }
        throw new AssertionError("no a=" + name + " in:\n" + sdp);
    }

    /** SIGKILL to a process and everything it started (a shell script's children survive its own death). */
    static void killHard(Process p) throws InterruptedException {
        List<ProcessHandle> tree = p.descendants().toList();
        for (ProcessHandle h : tree) {
            h.destroyForcibly();
        }
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        for (ProcessHandle h : tree) {
            h.onExit().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> h).join();
        }
    }

    static Path logFile(String name) throws IOException {
        Path dir = ROOT.resolve("server/target/fault-logs");
        Files.createDirectories(dir);
        return dir.resolve(name + ".log");
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
