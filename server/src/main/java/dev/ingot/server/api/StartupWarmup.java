package dev.ingot.server.api;

import dev.ingot.media.decode.DecoderPreferences;
import dev.ingot.media.decode.VideoDecoderSupport;
import dev.ingot.rtc.sdp.Fingerprint;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.LocalTransport;
import dev.ingot.rtc.sdp.OfferNegotiation;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.VideoCodec;
import dev.ingot.rtc.sdp.VideoCodecChoice;
import dev.ingot.server.input.BearerToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the code of the first requests once at start-up, so that the first real requests after the server says
 * it is up do not pay for it (issue #16): with the JDK 25 AOT cache the classes are already loaded, and what is
 * left is the first execution of each path (interpreter, first lambda linkage, first use of SecureRandom, SHA3,
 * Jackson's serializers, the HTTP listeners' request path). Nothing it does changes state: the register body
 * parser, decoder resolution, a token, the JSON answer, SDP parsing and negotiation of real captured offers, in
 * process; then, over loopback HTTP, requests that are answered without touching any input (status, stats, a
 * register body with an unknown field: 422, a WHIP POST for an id that cannot be registered: 404). Bounded: a
 * few dozen in-process rounds and eight requests, a 2 s socket timeout each; failures are logged and ignored.
 */
public final class StartupWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(StartupWarmup.class);
    private static final int ROUNDS = 40;
    private static final List<String> OFFERS = List.of("training/chromium-h264.sdp", "training/ffmpeg-h264.sdp");
    /** Not a valid input id (ids are {@code [A-Za-z0-9_.-]}): no user's input can ever be hit. */
    private static final String NO_INPUT = "~warm-up";

    private StartupWarmup() {
    }

    /** Warms the request paths of a server listening on {@code apiPort} and {@code whipPort} (-1: none). */
    public static void run(String host, int apiPort, int whipPort) {
        long t0 = System.nanoTime();
        try {
            List<String> offers = offers();
            inProcess(offers);
            overHttp(host, apiPort, whipPort, offers.isEmpty() ? "v=0\r\n" : offers.get(0));
            LOG.debug("start-up warm-up done in {} ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | IOException e) {
            LOG.debug("start-up warm-up skipped: {}", e.toString());
        }
    }

    private static List<String> offers() throws IOException {
        List<String> out = new ArrayList<>();
        for (String name : OFFERS) {
            try (InputStream in = StartupWarmup.class.getClassLoader().getResourceAsStream(name)) {
                if (in != null) {
                    out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static void inProcess(List<String> offers) {
        byte[][] bodies = {
                "{\"type\":\"whip_server\"}".getBytes(StandardCharsets.UTF_8),
                "{\"type\":\"whip_server\",\"bearer_token\":\"t\",\"video\":{\"decoder_preferences\":[\"ffmpeg_h264\",\"any\"]},\"required\":true,\"buffer_size_ms\":120,\"side_channel\":{\"video\":true,\"audio\":true,\"delay_ms\":10}}".getBytes(StandardCharsets.UTF_8),
        };
        VideoDecoderSupport noGpu = VideoDecoderSupport.withoutVulkan("start-up warm-up");
        LocalTransport local = LocalTransport.iceLite("warmupfrag", "warmuppasswordwarmuppassword",
                new Fingerprint("sha-256", new byte[32]),
                List.of(IceCandidate.host("1", "udp", 2_130_706_431L, "127.0.0.1", 9)));
        List<VideoCodecChoice> choices = List.of(VideoCodecChoice.of(VideoCodec.H264), VideoCodecChoice.of(VideoCodec.VP9),
                VideoCodecChoice.of(VideoCodec.VP8));
        for (int i = 0; i < ROUNDS; i++) {
            var spec = RegisterRequestParser.parse(JsonCodec.parseBody(bodies[i % bodies.length]));
            try {
                DecoderPreferences.resolve(spec.decoderPreferences(), noGpu);
            } catch (DecoderPreferences.NoUsableDecoderException e) {
                throw new IllegalStateException(e);
            }
            BearerToken token = BearerToken.generate();
            token.matchesAuthorizationHeader("Bearer " + token.reveal());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("bearer_token", token.reveal());
            answer.put("endpoint_route", "/whip/warm-up");
            JsonCodec.write(answer);
            RegisterRequestParser.parseUnregister(JsonCodec.parseBody("{\"schedule_time_ms\":1}".getBytes(StandardCharsets.UTF_8)));
            for (String offer : offers) {
                try {
                    OfferNegotiation.negotiate(SessionDescription.parse(offer), choices, local).answerSdp();
                } catch (Exception e) {
                    return; // an offer this build does not take: nothing more to warm here
                }
            }
        }
    }

    private static void overHttp(String host, int apiPort, int whipPort, String offer) throws IOException {
        String loopback = host.equals("0.0.0.0") || host.equals("::") ? InetAddress.getLoopbackAddress().getHostAddress() : host;
        byte[] unknownField = "{\"type\":\"whip_server\",\"warm_up\":true}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2; i++) { // two WHIP POSTs of the loopback address's per-minute allowance
            exchange(loopback, apiPort, "GET", "/status", null, new byte[0]);
            exchange(loopback, apiPort, "GET", "/stats", null, new byte[0]);
            exchange(loopback, apiPort, "POST", "/api/input/warm-up/register", "application/json", unknownField);
            if (whipPort > 0) {
                exchange(loopback, whipPort, "POST", "/whip/" + NO_INPUT, "application/sdp",
                        offer.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void exchange(String host, int port, String method, String path, String type, byte[] body)
            throws IOException {
        LoopbackHttp.exchange(host, port, method, path, type, "warm-up", body, 2_000);
    }
}
