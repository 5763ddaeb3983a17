package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** H.265 (RFC 7798) and AV1 offers from real publishers: which payload type is taken and what the answer says. */
class HevcAv1NegotiationTest {
    private static final LocalTransport LOCAL = Offers.local();

    private static NegotiatedSession negotiate(String offerText, List<VideoCodecChoice> prefs) throws Exception {
        SessionDescription offer = SessionDescription.parse(offerText);
        NegotiatedSession s = OfferNegotiation.negotiate(offer, prefs, LOCAL);
        AnswerChecklist.verify(offer, s, LOCAL);
        return s;
    }

    private static String videoOffer(String formats) {
        StringBuilder pts = new StringBuilder();
        for (String line : formats.split("\n")) {
            if (line.startsWith("a=rtpmap:")) {
                pts.append(' ').append(line.substring(9, line.indexOf(' ')));
            }
        }
        return "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nt=0 0\na=group:BUNDLE 0\n"
                + "a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF" + pts + "\nc=IN IP4 0.0.0.0\na=mid:0\na=sendonly\na=rtcp-mux\n"
                + "a=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuvwx\na=setup:actpass\n" + formats;
    }

    @Test
    void gstreamerH265WithNackGetsItsPayloadTypeRtxAndFeedback() throws Exception {
        NegotiatedSession s = negotiate(Offers.read("offers/gstreamer-h265-nack.sdp"), Offers.only(VideoCodec.H265));
        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.H265);
        assertThat(v.payloadType()).isEqualTo(100);
        assertThat(v.rtxPayloadType()).isEqualTo(96);
        assertThat(v.nack()).isTrue();
        assertThat(v.pli()).isTrue();
        assertThat(v.h265Format()).contains(new H265Format(1, 0, 93, 0, 0));
        // the depacketizer still gets the parameter sets; the answer does not echo them
        assertThat(H265Format.parameterSets(v.fmtp().parameterMap())).hasSize(3);
        assertThat(s.answerSdp()).contains("a=rtpmap:100 H265/90000").doesNotContain("sprop-vps").doesNotContain("sprop-sps")
                .contains("a=rtcp-fb:100 nack pli");
    }

    @Test
    void gstreamerH265IsTakenByAnyAfterSmeltersCodecs() throws Exception {
        NegotiatedVideo v = negotiate(Offers.read("offers/gstreamer-h265.sdp"), Offers.any()).video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.H265);
    }

    @Test
    void chromiumAv1GetsItsPayloadTypeRtxAndTheOfferedFmtp() throws Exception {
        NegotiatedSession s = negotiate(Offers.read("offers/chromium-av1.sdp"), Offers.only(VideoCodec.AV1));
        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.AV1);
        assertThat(v.payloadType()).isEqualTo(45);
        assertThat(v.rtxPayloadType()).isEqualTo(46);
        assertThat(v.av1Format()).contains(new Av1Format(0, 5, 0));
        assertThat(v.nack()).isTrue();
        assertThat(v.pli()).isTrue();
        assertThat(s.answerSdp()).contains("a=fmtp:45 level-idx=5;profile=0;tier=0").contains("a=fmtp:46 apt=45");
    }

    @Test
    void anyKeepsSmeltersOrderSoChromiumsDefaultOfferStillGetsVp9() throws Exception {
        NegotiatedVideo v = negotiate(Offers.read("offers/chromium-default.sdp"), Offers.any()).video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.VP9);
    }

    @Test
    void anOfferOfOnlyAv1IsDecodedWithAnyInsteadOfRefused() throws Exception {
        String offer = videoOffer("a=rtpmap:45 AV1/90000\na=fmtp:45 level-idx=5;profile=0;tier=0\n"
                + "a=rtpmap:46 rtx/90000\na=fmtp:46 apt=45\n");
        NegotiatedVideo v = negotiate(offer, Offers.any()).video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.AV1);
        assertThat(v.rtxPayloadType()).isEqualTo(46);
    }

    @Test
    void mainIsPreferredToMain10AndPayloadsWithoutDonlToThoseWithIt() throws Exception {
        String offer = videoOffer("a=rtpmap:98 H265/90000\na=fmtp:98 profile-id=2;level-id=120\n"
                + "a=rtpmap:99 H265/90000\na=fmtp:99 profile-id=1;sprop-max-don-diff=2\n"
                + "a=rtpmap:100 H265/90000\na=fmtp:100 profile-id=1;level-id=120\n");
        NegotiatedVideo v = negotiate(offer, Offers.only(VideoCodec.H265)).video().orElseThrow();
        assertThat(v.payloadType()).isEqualTo(100);
        String onlyDonl = videoOffer("a=rtpmap:99 H265/90000\na=fmtp:99 sprop-max-don-diff=2\n");
        NegotiatedVideo d = negotiate(onlyDonl, Offers.only(VideoCodec.H265)).video().orElseThrow();
        assertThat(d.h265Format().orElseThrow().donlPresent()).isTrue();
    }

    @Test
    void av1MainIsPreferredAndUnknownProfilesAreNamedInTheRejection() throws Exception {
        String offer = videoOffer("a=rtpmap:40 AV1/90000\na=fmtp:40 profile=1\na=rtpmap:41 AV1/90000\n");
        assertThat(negotiate(offer, Offers.only(VideoCodec.AV1)).video().orElseThrow().payloadType()).isEqualTo(41);
        String odd = videoOffer("a=rtpmap:40 AV1/90000\na=fmtp:40 profile=5\n"
                + "a=rtpmap:41 H265/90000\na=fmtp:41 profile-id=4\n");
        try {
            OfferNegotiation.negotiate(SessionDescription.parse(odd), Offers.any(), LOCAL);
            throw new AssertionError("accepted");
        } catch (OfferRejectedException e) {
            assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC);
            assertThat(e.getMessage()).contains("AV1(profile=5)").contains("H265(profile-id=4)")
                    .contains("accepted: VP9, VP8, H264, H265, AV1");
        }
    }

    @Test
    void h265FormatDefaultsFollowRfc7798AndParameterSetsComeVpsFirst() {
        assertThat(H265Format.of(Fmtp.empty(96))).isEqualTo(new H265Format(1, 0, 93, 0, 0));
        assertThat(H265Format.of(Fmtp.of(96, "sprop-depack-buf-nalus=1")).donlPresent()).isTrue();
        assertThat(H265Format.of(Fmtp.of(96, "profile-id=x")).supportedProfile()).isFalse();
        String vps = Base64.getEncoder().encodeToString(new byte[] {0x40, 1});
        String sps = Base64.getEncoder().encodeToString(new byte[] {0x42, 1});
        String pps = Base64.getEncoder().encodeToString(new byte[] {0x44, 1});
        List<byte[]> sets = H265Format.parameterSets(Map.of("sprop-pps", pps, "SPROP-SPS", sps + ",%%", "sprop-vps", vps));
        assertThat(sets).extracting(b -> b[0]).containsExactly((byte) 0x40, (byte) 0x42, (byte) 0x44);
        assertThat(H265Format.answerFmtp(Fmtp.of(100, "profile-id=1; sprop-vps=QAE;level-id=93;sprop-pps=RAE"))
                .parameters()).isEqualTo("profile-id=1;level-id=93");
        assertThat(Av1Format.of(Fmtp.empty(45))).isEqualTo(new Av1Format(0, 5, 0));
    }
}
