package dev.ingot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The comparison: one {@code bench/gst-receiver.py} process per stream, each a one-stream WHIP server whose
 * GStreamer webrtcbin decodes H264 to RGBA (avdec_h264 + videoconvert) and Opus to PCM into fakesinks.
 */
public final class GstReceiver implements Receiver {
    private static final String PREFIX = "gst-receiver: listening ";
    private final Path script;
    private final Path logDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private final List<String> statsUrls = new ArrayList<>();

    public GstReceiver(Path script, Path logDir) {
        this.script = script;
        this.logDir = logDir;
    }

    @Override
    public String name() {
        return "gstreamer";
    }

    @Override
    public List<Endpoint> start(int n) throws Exception {
        Files.createDirectories(logDir);
        List<CompletableFuture<String>> ready = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--port", "0")
                    .redirectErrorStream(true).start();
            processes.add(p);
            CompletableFuture<String> url = new CompletableFuture<>();
            ready.add(url);
            Path log = logDir.resolve("gst-n" + n + "-" + i + ".log");
            Thread.ofVirtual().start(() -> pump(p, log, url));
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String whip;
            try {
                whip = ready.get(i).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("gst-receiver " + i + " did not start within 60 s; see " + logDir);
            }
            if (whip == null) {
                throw new IOException("gst-receiver " + i + " exited before listening; see " + logDir);
            }
            endpoints.add(new Endpoint(whip, ""));
            statsUrls.add(whip.replaceFirst("/whip$", "/stats"));
        }
        return endpoints;
    }

    private static void pump(Process p, Path log, CompletableFuture<String> url) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log), true)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.println(line);
                if (line.startsWith(PREFIX)) {
                    url.complete(line.substring(PREFIX.length()).trim());
                }
            }
        } catch (IOException e) {
            // process gone
        } finally {
            url.complete(null);
        }
    }

    @Override
    public List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    @Override
    public List<StreamCounters> poll(boolean withPackets) {
        List<StreamCounters> out = new ArrayList<>();
        for (String url : statsUrls) {
            JsonNode s = Json.get(http, withPackets ? url + "?full=1" : url);
            out.add(s == null ? StreamCounters.NONE : new StreamCounters(Json.number(s, "/video_frames"),
                    Json.number(s, "/packets_received"), Json.number(s, "/packets_lost")));
        }
        return out;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        statsUrls.clear();
    }
}
