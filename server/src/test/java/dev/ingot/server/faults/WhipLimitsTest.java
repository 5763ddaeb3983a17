package dev.ingot.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.rtc.sdp.Setup;
import dev.ingot.server.TestServer;
import dev.ingot.server.net.LoopbackPublisher;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The limits of the security checklist, on a real server: WHIP POSTs per address (429 + Retry-After), SDP size
 * (413), session count (503), control API body size (413) and HTTP header sizes (Helidon's limits).
 */
class WhipLimitsTest {
    private static final String OFFER_TYPE = "application/sdp";

    private static HttpResponse<String> post(HttpClient client, String url, String token, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", OFFER_TYPE).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSmelterError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = TestServer.json(r);
        assertThat(body.path("error_code").asText()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("stack").isArray()).isTrue();
    }

    @Test
    void postsBeyondThePerAddressLimitGet429WithRetryAfterAndOtherAddressesAreNotAffected() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_WHIP_POSTS_PER_MINUTE_PER_IP", "3"));
                HttpClient other = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build()) {
            String token = t.register("limited", "");
            String url = t.whip + "/whip/limited";
            // failed attempts count too: a token guesser is limited like anyone else
            assertThat(post(t.http, url, "wrong", "v=0").statusCode()).isEqualTo(401);
            assertThat(post(t.http, url, token, "not sdp").statusCode()).isEqualTo(400);
            assertThat(post(t.http, t.whip + "/whip/nope", token, "v=0").statusCode()).isEqualTo(404);
            HttpResponse<String> limited = post(t.http, url, token, "v=0");
            assertSmelterError(limited, 429, "TOO_MANY_REQUESTS");
            // 3 a minute: the next token comes 20 s after the first was taken
            long retryAfter = Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 20L);
            assertThat(limited.headers().firstValue("access-control-allow-origin")).contains("*");
            assertThat(limited.body()).contains("INGOT_WHIP_POSTS_PER_MINUTE_PER_IP");
            // another client address has its own budget
            assertThat(post(other, url, "wrong", "v=0").statusCode()).isEqualTo(401);
            // only POST is limited: OPTIONS, PATCH and DELETE still answer normally
            assertThat(t.send("OPTIONS", url, null, null).statusCode()).isEqualTo(204);
            assertThat(t.send("DELETE", url + "/0123", null, null, "Authorization", "Bearer " + token).statusCode())
                    .isEqualTo(404);
            assertThat(post(t.http, url, token, "v=0").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void anSdpOfferOverTheCapIs413AndOpensNoSession() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_MAX_SDP_BYTES", "2048"))) {
            String token = t.register("big-sdp", "");
            String url = t.whip + "/whip/big-sdp";
            String offer;
            try (LoopbackPublisher pub = new LoopbackPublisher()) {
                offer = pub.offer(Setup.ACTPASS);
            }
            assertThat(offer.length()).as("a real offer fits the cap").isLessThan(2048);
            String padded = offer + "a=x-padding:" + "x".repeat(2048 - offer.length()) + "\r\n";
            assertSmelterError(post(t.http, url, token, padded), 413, "MALFORMED_REQUEST");
            assertThat(t.server.transport().sessions()).isEmpty();
            // exactly at the cap is read (and then judged as SDP)
            String atCap = offer + "a=x:" + "x".repeat(2048 - offer.length() - 6) + "\r\n";
            assertThat(atCap.getBytes(StandardCharsets.UTF_8)).hasSize(2048);
            HttpResponse<String> r = post(t.http, url, token, atCap);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            t.send("DELETE", t.whip + r.headers().firstValue("location").orElseThrow(), null, null,
                    "Authorization", "Bearer " + token);
        }
    }

    @Test
    void sessionsBeyondTheCapGet503UntilOneEnds() throws Exception {
        try (TestServer t = new TestServer(Map.of("INGOT_MAX_SESSIONS", "2"))) {
            String[] tokens = {t.register("cap-a", ""), t.register("cap-b", ""), t.register("cap-c", "")};
            try (LoopbackPublisher a = new LoopbackPublisher(); LoopbackPublisher b = new LoopbackPublisher();
                    LoopbackPublisher c = new LoopbackPublisher(); LoopbackPublisher a2 = new LoopbackPublisher()) {
                assertThat(a.post(t.whip + "/whip/cap-a", tokens[0], a.offer(Setup.ACTPASS)).statusCode()).isEqualTo(201);
                assertThat(b.post(t.whip + "/whip/cap-b", tokens[1], b.offer(Setup.ACTPASS)).statusCode()).isEqualTo(201);
                assertSmelterError(c.post(t.whip + "/whip/cap-c", tokens[2], c.offer(Setup.ACTPASS)), 503,
                        "TOO_MANY_SESSIONS");
                // a new offer on an input whose session never connected replaces it: no extra slot needed
                assertThat(a2.post(t.whip + "/whip/cap-a", tokens[0], a2.offer(Setup.ACTPASS)).statusCode())
                        .isEqualTo(201);
                assertThat(t.server.transport().sessions()).hasSize(2);
                assertThat(b.delete(tokens[1]).statusCode()).isEqualTo(200);
                assertThat(c.post(t.whip + "/whip/cap-c", tokens[2], c.offer(Setup.ACTPASS)).statusCode())
                        .isEqualTo(201);
                a2.delete(tokens[0]);
                c.delete(tokens[2]);
            }
        }
    }

    @Test
    void aControlApiBodyOverOneMebibyteIs413() {
        try (TestServer t = new TestServer()) {
            String big = "{\"type\":\"whip_server\",\"x\":\"" + "a".repeat(1024 * 1024) + "\"}";
            HttpResponse<String> r = t.postJson("/api/input/huge/register", big);
            assertSmelterError(r, 413, "MALFORMED_REQUEST");
            assertThat(t.server.registry().get("huge")).isEmpty();
        }
    }

    /** Sends raw bytes on a fresh connection; returns the status line (or "" when the server just closed). */
    private static String rawStatusLine(int port, String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.io.IOException e) {
                // the server may close before reading everything; what it answered is still there to read
            }
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int ch;
            while ((ch = in.read()) >= 0 && ch != '\n') {
                line.append((char) ch);
            }
            return line.toString().strip();
        }
    }

    @Test
    void oversizedHeadersAndRequestLinesAreRefusedAndTheServerCarriesOn() throws Exception {
        try (TestServer t = new TestServer()) {
            for (int port : new int[] {t.server.whipPort(), t.server.apiPort()}) {
                String hugeHeader = "GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n";
                assertThat(rawStatusLine(port, hugeHeader)).as("20 KiB of headers (Helidon's cap: 16 KiB)")
                        .matches("HTTP/1\\.1 (431|400)\\b.*");
                String manyHeaders = "GET /status HTTP/1.1\r\nHost: x\r\n"
                        + "X-H: 0123456789012345678901234567890123456789\r\n".repeat(500) + "\r\n";
                assertThat(rawStatusLine(port, manyHeaders)).matches("HTTP/1\\.1 (431|400)\\b.*");
                String longLine = "GET /" + "p".repeat(8 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n";
                assertThat(rawStatusLine(port, longLine)).as("8 KiB request line (Helidon's cap: 4 KiB)")
                        .matches("HTTP/1\\.1 (414|400)\\b.*");
            }
            assertThat(t.send("GET", t.api + "/status", null, null).statusCode()).isEqualTo(200);
            assertThat(t.send("OPTIONS", t.whip + "/whip/x", null, null).statusCode()).isEqualTo(204);
        }
    }
}
