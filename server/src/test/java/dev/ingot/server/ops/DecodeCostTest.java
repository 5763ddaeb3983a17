package dev.ingot.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ingot.rtc.sdp.Fingerprint;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.LocalTransport;
import dev.ingot.rtc.sdp.NegotiatedSession;
import dev.ingot.rtc.sdp.OfferNegotiation;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.VideoCodec;
import dev.ingot.rtc.sdp.VideoCodecChoice;
import dev.ingot.server.config.AdmissionConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodeCostTest {
    private static final DecodeCost COST = new DecodeCost(AdmissionConfig.fromMap(Map.of("INGOT_STREAM_CORES", "0.1")));
    private static final LocalTransport LOCAL = LocalTransport.iceLite("abcd", "abcdefghijklmnopqrstuvwx",
            new Fingerprint("sha-256", new byte[32]), List.of(IceCandidate.host("1", "udp", 1, "127.0.0.1", 5000)));

    /** A browser-like offer: Opus, then the given video payload types (rtpmap and fmtp lines). */
    private static NegotiatedSession negotiate(String video, VideoCodec... accepted) throws Exception {
        String sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB\r\na=ice-ufrag:wxyz\r\na=ice-pwd:0123456789012345678901\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
                + "a=setup:actpass\r\na=rtpmap:111 opus/48000/2\r\n"
                + (video.isEmpty() ? "" : "m=video 9 UDP/TLS/RTP/SAVPF " + video.lines().filter(l -> l.startsWith("a=rtpmap:"))
                        .map(l -> l.substring(9, l.indexOf(' '))).reduce((a, b) -> a + " " + b).orElseThrow()
                        + "\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=setup:actpass\r\n"
                        + video.replace("\n", "\r\n"));
        if (video.isEmpty()) {
            sdp = sdp.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
        }
        return OfferNegotiation.negotiate(SessionDescription.parse(sdp),
                java.util.Arrays.stream(accepted).map(VideoCodecChoice::of).toList(), LOCAL);
    }

    @Test
    void h264LevelsBoundThePixelRate() {
        assertThat(DecodeCost.h264LevelPixelRate("42e01f")).hasValue(1280.0 * 720 * 30); // 3.1: 720p30
        assertThat(DecodeCost.h264LevelPixelRate("42E01E")).hasValue(40_500 * 256.0); // 3.0: 480p30
        assertThat(DecodeCost.h264LevelPixelRate("640028")).hasValue(245_760 * 256.0); // 4.0: 1080p30
        assertThat(DecodeCost.h264LevelPixelRate("640033")).hasValue(983_040 * 256.0); // 5.1: 2160p30
        assertThat(DecodeCost.h264LevelPixelRate("42f00b")).hasValue(1_485 * 256.0); // 1b (constraint_set3)
        assertThat(DecodeCost.h264LevelPixelRate("42e00b")).hasValue(3_000 * 256.0); // 1.1
        assertThat(DecodeCost.h264LevelPixelRate("4200ff")).isEmpty();
        assertThat(DecodeCost.h264LevelPixelRate("42e01")).isEmpty();
        assertThat(DecodeCost.h264LevelPixelRate("zze01f")).isEmpty();
    }

    @Test
    void a720p30H264OfferCostsOneStreamAndOthersScaleByPixelRateAndCodec() throws Exception {
        NegotiatedSession level31 = negotiate("a=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f\n",
                VideoCodec.H264);
        assertThat(COST.cores(level31)).isCloseTo(0.1, within(1e-9));
        NegotiatedSession level40 = negotiate("a=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=1;profile-level-id=640028\n",
                VideoCodec.H264);
        double ratio = 245_760 * 256.0 / DecodeCost.REFERENCE_PIXEL_RATE;
        assertThat(COST.cores(level40)).isCloseTo(0.1 * (0.1 + 0.9 * ratio), within(1e-9));
        // no profile-level-id: the assumed 720p30, not RFC 6184's level 1.0 default
        NegotiatedSession noLevel = negotiate("a=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=1\n", VideoCodec.H264);
        assertThat(COST.cores(noLevel)).isCloseTo(0.1, within(1e-9));
        NegotiatedSession vp9 = negotiate("a=rtpmap:98 VP9/90000\n", VideoCodec.VP9);
        assertThat(COST.cores(vp9)).isCloseTo(0.1 * (0.1 + 0.9 * DecodeCost.codecFactor(VideoCodec.VP9)), within(1e-9));
        NegotiatedSession vp8 = negotiate("a=rtpmap:100 VP8/90000\n", VideoCodec.VP8);
        assertThat(COST.cores(vp8)).isLessThan(COST.cores(level31)).isLessThan(COST.cores(vp9));
        NegotiatedSession audioOnly = negotiate("", VideoCodec.H264);
        assertThat(COST.cores(audioOnly)).isCloseTo(0.1 * DecodeCost.FIXED_SHARE, within(1e-9));
    }

    @Test
    void offersWithoutALevelTakeTheAssumedFormat() throws Exception {
        DecodeCost full = new DecodeCost(AdmissionConfig.fromMap(Map.of("INGOT_ASSUMED_VIDEO", "1920x1080@30")));
        NegotiatedSession vp8 = negotiate("a=rtpmap:100 VP8/90000\n", VideoCodec.VP8);
        assertThat(full.pixelRate(vp8.video().orElseThrow())).isEqualTo(1920.0 * 1080 * 30);
        assertThat(full.cores(vp8)).isCloseTo(0.1 * (0.1 + 0.9 * DecodeCost.codecFactor(VideoCodec.VP8) * 2.25),
                within(1e-9));
    }
}
