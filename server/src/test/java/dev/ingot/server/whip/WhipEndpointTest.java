package dev.ingot.server.whip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.server.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WHIP endpoint's HTTP rules over real HTTP, before any media transport is involved. */
class WhipEndpointTest {
    static TestServer t;
    static String token;

    @BeforeAll
    static void start() {
        t = new TestServer();
        token = t.register("cam", "");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void assertCors(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("access-control-allow-origin")).contains("*");
        assertThat(r.headers().firstValue("access-control-expose-headers").orElse("")).contains("Location").contains("ETag");
    }

    @Test
    void optionsAnswersPreflightWithAcceptPost() {
        HttpResponse<String> r = t.send("OPTIONS", t.whip + "/whip/cam", null, null,
                "Origin", "http://example.test", "Access-Control-Request-Method", "POST");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("accept-post")).contains("application/sdp");
        assertThat(r.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST").contains("PATCH")
                .contains("DELETE");
        assertThat(r.headers().firstValue("access-control-allow-headers").orElse("")).contains("Authorization");
        assertCors(r);
    }

    @Test
    void missingOrWrongTokenIs401WithCors() {
        HttpResponse<String> r = t.send("POST", t.whip + "/whip/cam", "application/sdp", "v=0\r\n");
        assertThat(r.statusCode()).isEqualTo(401);
        assertCors(r);
        r = t.send("POST", t.whip + "/whip/cam", "application/sdp", "v=0\r\n", "Authorization", "Bearer " + token + "x");
        assertThat(r.statusCode()).isEqualTo(401);
        r = t.send("POST", t.whip + "/whip/cam", "application/sdp", "v=0\r\n", "Authorization", token);
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void unknownInputIs404WithCors() {
        HttpResponse<String> r = t.send("POST", t.whip + "/whip/nobody", "application/sdp", "v=0\r\n",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertCors(r);
        assertThat(TestServer.json(r).get("error_code").asText()).isEqualTo("INPUT_STREAM_NOT_FOUND");
    }

    @Test
    void wrongContentTypeIs415() {
        HttpResponse<String> r = t.send("POST", t.whip + "/whip/cam", "application/json", "{}",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(415);
        r = t.send("POST", t.whip + "/whip/cam", null, "v=0", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void sdpContentTypeWithParametersIsAccepted() {
        HttpResponse<String> r = t.send("POST", t.whip + "/whip/cam", "application/sdp; charset=utf-8", "v=0\r\n",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isNotEqualTo(415);
    }

    @Test
    void unknownSessionIs404ForPatchAndDelete() {
        HttpResponse<String> r = t.send("DELETE", t.whip + "/whip/cam/0123456789abcdef", null, null,
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertCors(r);
        r = t.send("PATCH", t.whip + "/whip/cam/0123456789abcdef", "application/trickle-ice-sdpfrag",
                "a=ice-ufrag:abcd\r\n", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(404);
        r = t.send("DELETE", t.whip + "/whip/cam/0123456789abcdef", null, null);
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void otherMethodsAre405() {
        HttpResponse<String> r = t.send("GET", t.whip + "/whip/cam", null, null);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow").orElse("")).contains("POST");
        assertCors(r);
    }
}
