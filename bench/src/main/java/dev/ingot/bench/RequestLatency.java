package dev.ingot.bench;

import dev.ingot.server.api.LoopbackHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * {@code bin/bench --request-latency}: how long Ingot takes to answer a register request and a WHIP POST when
 * {@code concurrency} of them arrive at once, the very first ones after start-up kept apart ("cold") from later
 * rounds ("warm"). For each of {@code starts} fresh server processes (started with {@code bin/ingot}, as a user
 * runs it, on free loopback ports): wait for its "up" log line, fire {@code concurrency} registers at once (the
 * first requests the server sees), then {@code concurrency} WHIP POSTs of a real captured offer, one per input;
 * then {@code rounds} warm rounds of unregister, register all at once, POST all at once; then stop it.
 *
 * <p>Each request is one HTTP/1.1 exchange on a fresh loopback connection ({@code Connection: close}), timed from
 * before the connect to the end of the response. The client is plain sockets and is warmed up against an
 * in-process stub first, so the figures are the server's. Bounded: loopback only, a fixed number of requests.
 */
public final class RequestLatency {
    private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();
    record Options(int starts, int rounds, int concurrency, List<String> command, Path offer, Path out, Path root) {
    }

    /** One request's outcome. */
    record Sample(int status, double millis) {
    }

    private RequestLatency() {
    }

    static String usage() {
        return """
                usage: bin/bench --request-latency [options]
                  --starts N        fresh server processes (default 5)
                  --rounds K        warm rounds per process after the cold one (default 5)
                  --concurrency C   requests at once (default 16)
                  --ingot-cmd 'CMD ARGS'  how to start the server (default: bin/ingot)
                  --offer FILE      the SDP offer to POST (default rtc/src/test/resources/offers/chromium-h264.sdp)
                  --out DIR         where request-latency.json goes (default bench/target)
                """;
    }

    static Options parse(String[] args) {
        Path root = Path.of(System.getProperty("ingot.root", ".")).toAbsolutePath().normalize();
        int starts = 5;
        int rounds = 5;
        int concurrency = 16;
        List<String> command = List.of(root.resolve("bin/ingot").toString());
        Path offer = root.resolve("rtc/src/test/resources/offers/chromium-h264.sdp");
        Path out = root.resolve("bench/target");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(usage());
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--starts" -> starts = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--ingot-cmd" -> command = Arrays.asList(v.trim().split("\\s+"));
                case "--offer" -> offer = Path.of(v).toAbsolutePath();
                case "--out" -> out = Path.of(v).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (starts < 1 || starts > 100 || rounds < 0 || rounds > 100 || concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("--starts 1..100, --rounds 0..100, --concurrency 1..64");
        }
        return new Options(starts, rounds, concurrency, command, offer, out, root);
    }

    public static void main(String[] args) throws Exception {
        Options o = BenchMain.parsedOrExit(args, RequestLatency::parse, usage());
        byte[] offer = Files.readAllBytes(o.offer());
        warmUpClient(o.concurrency());
        Map<String, List<Sample>> all = new LinkedHashMap<>();
        for (String k : List.of("cold_register", "cold_post", "warm_register", "warm_post")) {
            all.put(k, new ArrayList<>());
        }
        List<Double> coldRegisterMax = new ArrayList<>();
        Path logs = o.out().resolve("logs");
        Files.createDirectories(logs);
        for (int s = 1; s <= o.starts(); s++) {
            try (Server server = Server.start(o.command(), logs.resolve("request-latency-" + s + ".log"))) {
                String prefix = "s" + s;
                List<Sample> reg = burst(o.concurrency(), i -> server.register(prefix + "-0-" + i));
                coldRegisterMax.add(max(reg));
                all.get("cold_register").addAll(reg);
                all.get("cold_post").addAll(burst(o.concurrency(), i -> server.post(prefix + "-0-" + i, offer)));
                for (int r = 1; r <= o.rounds(); r++) {
                    String prev = prefix + "-" + (r - 1) + "-";
                    String next = prefix + "-" + r + "-";
                    burst(o.concurrency(), i -> server.unregister(prev + i));
                    all.get("warm_register").addAll(burst(o.concurrency(), i -> server.register(next + i)));
                    all.get("warm_post").addAll(burst(o.concurrency(), i -> server.post(next + i, offer)));
                }
                System.out.printf(Locale.ROOT, "bench: start %d/%d: cold register max %.1f ms, cold POST max %.1f ms%n",
                        s, o.starts(), max(reg), max(all.get("cold_post").subList(
                                all.get("cold_post").size() - o.concurrency(), all.get("cold_post").size())));
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("concurrency", o.concurrency());
        json.put("starts", o.starts());
        json.put("rounds", o.rounds());
        json.put("command", String.join(" ", o.command()));
        json.put("offer", o.root().relativize(o.offer()).toString());
        System.out.printf(Locale.ROOT, "%n%-14s %6s %8s %8s %8s %8s  %s%n", "requests", "n", "p50 ms", "p99 ms",
                "max ms", "min ms", "statuses");
        for (var e : all.entrySet()) {
            List<Sample> l = e.getValue();
            double[] ms = l.stream().mapToDouble(Sample::millis).sorted().toArray();
            Map<Integer, Long> statuses = new java.util.TreeMap<>();
            l.forEach(x -> statuses.merge(x.status(), 1L, Long::sum));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("n", ms.length);
            row.put("p50_ms", round(percentile(ms, 0.50)));
            row.put("p99_ms", round(percentile(ms, 0.99)));
            row.put("max_ms", round(ms.length == 0 ? Double.NaN : ms[ms.length - 1]));
            row.put("min_ms", round(ms.length == 0 ? Double.NaN : ms[0]));
            row.put("statuses", statuses);
            json.put(e.getKey(), row);
            System.out.printf(Locale.ROOT, "%-14s %6d %8.1f %8.1f %8.1f %8.1f  %s%n", e.getKey(), ms.length,
                    percentile(ms, 0.50), percentile(ms, 0.99), ms.length == 0 ? Double.NaN : ms[ms.length - 1],
                    ms.length == 0 ? Double.NaN : ms[0], statuses);
        }
        json.put("cold_register_max_ms_per_start", coldRegisterMax.stream().map(RequestLatency::round).toList());
        System.out.println("slowest of the first " + o.concurrency() + " requests after each start, ms: "
                + coldRegisterMax.stream().map(d -> String.format(Locale.ROOT, "%.1f", d)).toList());
        Files.createDirectories(o.out());
        Path file = o.out().resolve("request-latency.json");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        System.out.println("bench: wrote " + file);
        System.exit(0);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double max(List<Sample> l) {
        return l.stream().mapToDouble(Sample::millis).max().orElse(Double.NaN);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /**
     * Runs {@code n} requests at once: every thread is started and waits at a latch, which opens for all together.
     * The samples come back in thread order.
     */
    static List<Sample> burst(int n, IntFunction<Sample> request) throws InterruptedException {
        Sample[] out = new Sample[n];
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            threads[i] = Thread.ofPlatform().name("bench-request-" + i).start(() -> {
                ready.countDown();
                try {
                    go.await();
                    out[k] = request.apply(k);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    out[k] = new Sample(-1, Double.NaN);
                }
            });
        }
        if (!ready.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("request threads did not start");
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        return Arrays.asList(out);
    }

    /** One HTTP/1.1 exchange on a new connection: the status and the time from before the connect to the end. */
    static Sample exchange(int port, String method, String path, String contentType, byte[] body, String auth) {
        long t0 = System.nanoTime();
        try {
            int status = LoopbackHttp.exchange(LOOPBACK, port, method, path, contentType, auth, body, 30_000);
            return new Sample(status, (System.nanoTime() - t0) / 1e6);
        } catch (IOException e) {
            return new Sample(-1, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** Runs the client code paths (sockets, threads, the burst) against an in-process stub before measuring. */
    static void warmUpClient(int concurrency) throws Exception {
        try (ServerSocket stub = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofPlatform().daemon().name("bench-stub").start(() -> {
                while (!stub.isClosed()) {
                    try (Socket c = stub.accept()) {
                        BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(),
                                StandardCharsets.US_ASCII));
                        int length = 0;
                        String line;
                        while ((line = r.readLine()) != null && !line.isEmpty()) {
                            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                                length = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                        r.skip(length);
                        PrintWriter w = new PrintWriter(c.getOutputStream(), false, StandardCharsets.US_ASCII);
                        w.print("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
                        w.flush();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            byte[] body = "{\"type\":\"whip_server\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                burst(concurrency, k -> exchange(stub.getLocalPort(), "POST", "/warm", "application/json", body, "x"));
            }
            stub.close();
            t.join(1000);
        }
    }

    /** A fresh server process and the requests the benchmark sends it. */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final int api;
        private final int whip;

        private Server(Process process, int api, int whip) {
            this.process = process;
            this.api = api;
            this.whip = whip;
        }

        static Server start(List<String> command, Path log) throws Exception {
            int api = freePort();
            int whip = freePort();
            while (whip == api) {
                whip = freePort();
            }
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("SMELTER_API_PORT", Integer.toString(api));
            pb.environment().put("SMELTER_WHIP_WHEP_SERVER_PORT", Integer.toString(whip));
            pb.environment().put("INGOT_BIND_ADDRESS", "127.0.0.1");
            pb.environment().put("SMELTER_WEBRTC_STUN_SERVERS", "");
            pb.environment().remove("SMELTER_SIDE_CHANNEL_SOCKET_DIR");
            Process p = pb.start();
            CountDownLatch up = new CountDownLatch(1);
            Thread.ofPlatform().daemon().name("bench-server-log").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(log)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        w.write(line);
                        w.newLine();
                        w.flush();
                        if (line.contains(" up: API on ")) {
                            up.countDown();
                        }
                    }
                } catch (IOException e) {
                    // process gone
                }
            });
            if (!up.await(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the server did not come up in 180 s; log: " + log);
            }
            return new Server(p, api, whip);
        }

        Sample register(String id) {
            return exchange(api, "POST", "/api/input/" + id + "/register", "application/json",
                    "{\"type\":\"whip_server\",\"bearer_token\":\"bench\"}".getBytes(StandardCharsets.UTF_8), null);
        }

        Sample unregister(String id) {
            return exchange(api, "POST", "/api/input/" + id + "/unregister", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8), null);
        }

        Sample post(String id, byte[] offer) {
            return exchange(whip, "POST", "/whip/" + id, "application/sdp", offer, "bench");
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }
}
