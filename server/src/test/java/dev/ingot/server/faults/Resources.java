package dev.ingot.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What this JVM holds right now, for leak checks: open file descriptors ({@code /proc/self/fd}), platform threads
 * ({@link Thread#getAllStackTraces}), every thread by name including virtual ones (a JSON thread dump), and the
 * resident set size ({@code VmRSS}: heap, metaspace, thread stacks, direct buffers and native libraries).
 */
public record Resources(int fds, int platformThreads, List<String> threadNames, long rssKiB, long heapUsedBytes,
        long heapCommittedBytes, long nonHeapCommittedBytes, long directBytes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Resources sample() {
        var memory = ManagementFactory.getMemoryMXBean();
        long direct = ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed)
                .sum();
        return new Resources(countOpenFds(), Thread.getAllStackTraces().size(), allThreadNames(), readRssKiB(),
                heapUsed(), memory.getHeapMemoryUsage().getCommitted(), memory.getNonHeapMemoryUsage().getCommitted(),
                direct);
    }

    public int allThreads() {
        return threadNames.size();
    }

    public List<String> threadsNamed(String prefix) {
        return threadNames.stream().filter(n -> n.startsWith(prefix)).toList();
    }

    public static int countOpenFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return -1; // not Linux: the callers compare like with like
        }
    }

    public static long readRssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return -1;
    }

    private static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Names of all live threads, virtual ones included (HotSpot's JSON thread dump lists them). */
    public static List<String> allThreadNames() {
        try {
            Path dir = Files.createTempDirectory("ingot-threads-");
            Path file = dir.resolve("dump.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonNode root = JSON.readTree(file.toFile());
                List<String> names = new ArrayList<>();
                for (JsonNode container : root.path("threadDump").path("threadContainers")) {
                    for (JsonNode t : container.path("threads")) {
                        names.add(t.path("name").asText(""));
                    }
                }
                return names;
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds, failing with {@code what} after {@code timeoutMs}. */
    public static void await(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
