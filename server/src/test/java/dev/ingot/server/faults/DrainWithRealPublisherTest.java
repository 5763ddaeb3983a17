package dev.ingot.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.net.LoopbackPublisher;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/drain} on a running Ingot process while FFmpeg publishes over WHIP: the live session keeps
 * streaming (frames still decoded and on the side channel), a new POST gets 503 + Retry-After, {@code /ready} says
 * draining and {@code /health} stays 200; once FFmpeg ends its session (WHIP DELETE), the process exits 0 and
 * removes its socket files, long before the grace period.
 */
class DrainWithRealPublisherTest {
    private static final int GRACE_SECONDS = 300;

    @Test
    void aLiveSessionStreamsThroughADrainNewSessionsGet503AndTheProcessExitsWhenItEnds() throws Exception {
        FaultTools.require("FFmpeg 8.1 (interop/ffmpeg)", FaultTools.ffmpegPresent());
        int apiPort = FaultTools.freeTcpPort();
        int whipPort = FaultTools.freeTcpPort();
        Path scDir = Files.createTempDirectory("ingot-drain-").resolve("sc");
        Path log = FaultTools.logFile("drain");
        Path ffLog = FaultTools.logFile("drain-ffmpeg");
        List<String> command = SigtermShutdownTest.launcher();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        SigtermShutdownTest.writeClassDataArchiveFirst(http, command);
        Process ingot = SigtermShutdownTest.startIngot(command, apiPort, whipPort, scDir, log, GRACE_SECONDS);
        Process ffmpeg = null;
        try {
            String api = "http://127.0.0.1:" + apiPort;
            SigtermShutdownTest.awaitListeners(http, ingot, apiPort, whipPort, log);
            String token = TestServer.json(post(http, api + "/api/input/cam/register",
                    "{\"type\":\"whip_server\",\"side_channel\":{\"video\":true}}", 200)).get("bearer_token").asText();
            String lateToken = TestServer.json(post(http, api + "/api/input/late/register",
                    "{\"type\":\"whip_server\"}", 200)).get("bearer_token").asText();
            post(http, api + "/api/start", "{}", 200);
            ffmpeg = new ProcessBuilder(FaultTools.ROOT.resolve("interop/ffmpeg-whip.sh").toString(),
                    "http://127.0.0.1:" + whipPort + "/whip/cam", token, "0")
                    .redirectErrorStream(true).redirectOutput(ffLog.toFile()).start();
            Process ff = ffmpeg;
            Resources.await("FFmpeg's frames decoded (logs: " + log + ", " + ffLog + ")", 60_000, () -> {
                assertThat(ff.isAlive()).as("ffmpeg exited:\n" + FaultTools.tail(ffLog, 20)).isTrue();
                return framesDecoded(http, api) > 30;
            });

            HttpResponse<String> drain = post(http, api + "/api/drain", "", 202);
            assertThat(TestServer.json(drain).path("live_sessions").asInt()).isEqualTo(1);
            long atDrain = framesDecoded(http, api);

            // no new session: 503 + Retry-After (RFC 9725 §4.5); the process keeps answering
            try (LoopbackPublisher late = new LoopbackPublisher()) {
                HttpResponse<String> refused = late.post("http://127.0.0.1:" + whipPort + "/whip/late", lateToken,
                        late.offer(Setup.ACTPASS));
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(TestServer.json(refused).path("error_code").asText()).isEqualTo("SERVER_DRAINING");
                assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()))
                        .isBetween(1L, (long) GRACE_SECONDS);
            }
            assertThat(get(http, api + "/ready").statusCode()).isEqualTo(503);
            assertThat(get(http, api + "/health").statusCode()).isEqualTo(200);

            // the live session goes on: frames decoded and delivered on its side channel
            Resources.await("frames still decoded during the drain", 30_000,
                    () -> framesDecoded(http, api) > atDrain + 60);
            int[] picture = readOneVideoFrame(scDir.resolve("video_cam.sock"));
            assertThat(picture).containsExactly(1280, 720);
            assertThat(ingot.isAlive()).isTrue();

            // FFmpeg ends its session (SIGINT: it sends the WHIP DELETE): the drain is over, the process exits
            new ProcessBuilder("kill", "-INT", Long.toString(ffmpeg.pid())).inheritIO().start().waitFor();
            assertThat(ffmpeg.waitFor(30, TimeUnit.SECONDS)).as("ffmpeg ended").isTrue();
            assertThat(ingot.waitFor(30, TimeUnit.SECONDS)).as("exited after the session ended; log:\n"
                    + FaultTools.tail(log, 30)).isTrue();
            assertThat(ingot.exitValue()).isZero();
            String text = Files.readString(log);
            assertThat(text).contains("draining (POST /api/drain)", "drain finished: every session ended",
                    "Ingot stopped");
            try (Stream<Path> left = Files.list(scDir)) {
                assertThat(left.filter(p -> p.toString().endsWith(".sock")).toList()).isEmpty();
            }
            assertThat(FaultTools.tcpPortFree(apiPort)).isTrue();
            assertThat(FaultTools.tcpPortFree(whipPort)).isTrue();
        } finally {
            if (ffmpeg != null && ffmpeg.isAlive()) {
                FaultTools.killHard(ffmpeg);
            }
            if (ingot.isAlive()) {
                FaultTools.killHard(ingot);
            }
            http.shutdownNow();
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String json, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (!json.isEmpty()) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(expected);
        return r;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long framesDecoded(HttpClient http, String api) {
        try {
            JsonNode stats = TestServer.json(get(http, api + "/stats"));
            return stats.path("inputs").path("cam").path("video_frames_decoded").asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Connects to a video side channel and reads the header of the first frame: {width, height}. */
    static int[] readOneVideoFrame(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer head = ByteBuffer.allocate(4 + 4 + 4 + 8);
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
}
