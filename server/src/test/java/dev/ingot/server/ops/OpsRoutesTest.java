package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard files, /metrics and the thumbnail endpoint over real HTTP against a started server. */
class OpsRoutesTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static HttpResponse<String> get(String path) {
        return t.send("GET", t.api + path, null, null);
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode json = TestServer.json(r);
        assertThat(json.get("error_code").asText()).isEqualTo(code);
        assertThat(json.get("stack").isArray()).isTrue();
    }

    @Test
    void servesTheDashboardPageAndItsFilesFromTheJar() {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(
                v -> assertThat(v).contains("script-src 'self'"));
        assertThat(page.body()).contains("<script src=\"/ops/dashboard.js\">", "id=\"publish\"");
        HttpResponse<String> js = get("/ops/dashboard.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("RTCPeerConnection", "whip_whep_server_port", "thumbnail.jpg");
        assertThat(get("/ops/dashboard.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        HttpResponse<String> missing = get("/ops/openapi.json");
        assertError(missing, 404, "NOT_FOUND");
    }

    @Test
    void thePageLoadsNothingFromOutside() {
        String all = get("/").body() + get("/ops/dashboard.js").body() + get("/ops/dashboard.css").body();
        assertThat(all).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"(https?:)?//");
        assertThat(all).doesNotContainPattern("(?i)url\\((\"|')?(https?:)?//");
        assertThat(all).doesNotContainPattern("(?i)import\\s.*from\\s*['\"](https?:)?//");
    }

    @Test
    void metricsAreServedInTheExpositionFormatWithEachInput() {
        t.register("metrics-cam", "");
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(MetricsText.CONTENT_TYPE);
        assertThat(r.body()).contains("ingot_input_state{input_id=\"metrics-cam\",state=\"waiting_for_publisher\"} 1\n",
                "ingot_input_rtp_packets_received_total{input_id=\"metrics-cam\",track=\"video\"} 0\n",
                "ingot_whip_sessions_live 0\n");
        assertThat(ExpositionFormat.check(r.body())).isEmpty();
    }

    @Test
    void thumbnailIs404UntilAPictureExistsThenAJpegAtMost320Wide() throws Exception {
        HttpResponse<String> unknown = get("/api/input/nobody/thumbnail.jpg");
        assertError(unknown, 404, "INPUT_STREAM_NOT_FOUND");
        HttpResponse<String> badId = get("/api/input/bad%20id/thumbnail.jpg");
        assertError(badId, 400, "MALFORMED_REQUEST");

        t.register("thumb-cam", "");
        HttpResponse<String> none = get("/api/input/thumb-cam/thumbnail.jpg");
        assertError(none, 404, OpsRoutes.NO_PICTURE);

        // the ask above made the server keep this input's pictures: hand it one, as the decoder would
        int w = 1280;
        int h = 720;
        ByteBuffer rgba = ByteBuffer.allocate(w * h * 4);
        for (int i = 0; i < w * h; i++) {
            rgba.put((byte) 200).put((byte) 30).put((byte) 30).put((byte) 255);
        }
        t.server.latestFrames().onVideoFrame("thumb-cam", VideoFrame.ofRgba(w, h, 5, rgba.flip()), 5);
        HttpResponse<byte[]> jpeg = t.http.send(HttpRequest.newBuilder(URI.create(t.api + "/api/input/thumb-cam/thumbnail.jpg"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(jpeg.statusCode()).isEqualTo(200);
        assertThat(jpeg.headers().firstValue("content-type")).hasValue("image/jpeg");
        assertThat(jpeg.headers().firstValue("cache-control")).hasValue("no-store");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg.body()));
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(180);
        assertThat((img.getRGB(160, 90) >> 16) & 0xff).isBetween(180, 220);

        // unregistering lets go of the picture
        t.postJson("/api/input/thumb-cam/unregister", "{}");
        assertThat(t.server.latestFrames().held()).isZero();
        HttpResponse<String> gone = get("/api/input/thumb-cam/thumbnail.jpg");
        assertError(gone, 404, "INPUT_STREAM_NOT_FOUND");
    }
}
