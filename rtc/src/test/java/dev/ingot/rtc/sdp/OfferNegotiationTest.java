package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OfferNegotiationTest {
    private static final LocalTransport LOCAL = Offers.local();

    private static NegotiatedSession negotiate(String offerText, List<VideoCodecChoice> prefs) throws Exception {
        SessionDescription offer = SessionDescription.parse(offerText);
        NegotiatedSession s = OfferNegotiation.negotiate(offer, prefs, LOCAL);
        AnswerChecklist.verify(offer, s, LOCAL);
        return s;
    }

    private static OfferRejectedException rejection(String offerText, List<VideoCodecChoice> prefs) {
        try {
            OfferNegotiation.negotiate(SessionDescription.parse(offerText), prefs, LOCAL);
        } catch (OfferRejectedException e) {
            return e;
        } catch (SdpParseException e) {
            throw new AssertionError("test offer does not parse: " + e.getMessage(), e);
        }
        throw new AssertionError("offer was accepted");
    }

    private static MediaDescription answerSection(NegotiatedSession s, int index) throws SdpParseException {
        return SessionDescription.parse(s.answerSdp()).media().get(index);
    }

    // --- codec selection -------------------------------------------------------------------------

    @Test
    void chromiumWithH264PicksPacketizationMode1ConstrainedBaseline() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("chromium.sdp"), Offers.only(VideoCodec.H264));
        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.H264);
        assertThat(v.payloadType()).isEqualTo(106);
        assertThat(v.fmtp().parameters())
                .isEqualTo("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        assertThat(v.h264Format()).contains(
                new H264Format("42e01f", Optional.of(H264Profile.CONSTRAINED_BASELINE), 1));
        assertThat(v.rtxPayloadType()).isEqualTo(107);
        assertThat(v.clockRate()).isEqualTo(90000);
        assertThat(v.mid()).contains("1");
        assertThat(answerSection(s, 1).payloadTypes()).containsExactly(106, 107);
    }

    @Test
    void chromiumWithAnyPicksVp9ProfileZero() throws Exception {
        NegotiatedVideo v = negotiate(Offers.text("chromium.sdp"), Offers.any()).video().orElseThrow();
        assertThat(v.codec()).isEqualTo(VideoCodec.VP9);
        assertThat(v.payloadType()).isEqualTo(98);
        assertThat(v.rtxPayloadType()).isEqualTo(99);
        assertThat(v.fmtp().parameters()).isEqualTo("profile-id=0");
        assertThat(v.h264Format()).isEmpty();
    }

    @Test
    void chromiumWithVp8PicksVp8() throws Exception {
        NegotiatedVideo v = negotiate(Offers.text("chromium.sdp"), Offers.only(VideoCodec.VP8)).video().orElseThrow();
        assertThat(v.payloadType()).isEqualTo(96);
        assertThat(v.rtxPayloadType()).isEqualTo(97);
        assertThat(v.fmtp().parameters()).isEmpty();
    }

    @Test
    void firstPreferenceInTheOfferWinsOverOfferOrder() throws Exception {
        // Smelter ["ffmpeg_h264", "any"] resolves to H264, VP9, VP8.
        List<VideoCodecChoice> prefs = List.of(VideoCodecChoice.of(VideoCodec.H264),
                VideoCodecChoice.of(VideoCodec.VP9), VideoCodecChoice.of(VideoCodec.VP8));
        assertThat(negotiate(Offers.text("chromium.sdp"), prefs).video().orElseThrow().codec())
                .isEqualTo(VideoCodec.H264);
        // werift lists VP8 first; with VP9 unavailable, H264 preferred over VP8 still wins
        assertThat(negotiate(Offers.text("werift.sdp"), prefs).video().orElseThrow().payloadType()).isEqualTo(98);
        // and with ["any"] (VP9 absent from werift's offer) VP8 wins
        assertThat(negotiate(Offers.text("werift.sdp"), Offers.any()).video().orElseThrow().codec())
                .isEqualTo(VideoCodec.VP8);
    }

    @Test
    void restrictedH264ProfilesPickTheMatchingVariant() throws Exception {
        String chromium = Offers.text("chromium.sdp");
        assertThat(negotiate(chromium, List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.MAIN))))
                .video().orElseThrow()).satisfies(v -> {
                    assertThat(v.payloadType()).isEqualTo(127);
                    assertThat(v.rtxPayloadType()).isEqualTo(125);
                });
        assertThat(negotiate(chromium, List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.BASELINE))))
                .video().orElseThrow().payloadType()).isEqualTo(102);
        assertThat(negotiate(chromium,
                List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.MAIN, H264Profile.BASELINE))))
                .video().orElseThrow().payloadType()).isEqualTo(102);
    }

    @Test
    void packetizationMode0IsTakenWhenItIsAllThereIs() throws Exception {
        String offer = Offers.text("chromium.sdp")
                .replace("packetization-mode=1;profile-level-id=42e01f", "packetization-mode=2;profile-level-id=42e01f")
                .replace("packetization-mode=1;profile-level-id=42001f", "packetization-mode=2;profile-level-id=42001f")
                .replace("packetization-mode=1;profile-level-id=4d001f", "packetization-mode=2;profile-level-id=4d001f");
        NegotiatedVideo v = negotiate(offer, Offers.only(VideoCodec.H264)).video().orElseThrow();
        assertThat(v.payloadType()).isEqualTo(108); // 42e01f, packetization-mode=0
        assertThat(v.rtxPayloadType()).isEqualTo(109);
        assertThat(v.h264Format().orElseThrow().packetizationMode()).isZero();
    }

    @Test
    void packetizationMode1OutranksAMoreCompatibleProfile() throws Exception {
        String offer = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 96 97 98\na=mid:0\na=sendonly\n"
                + "a=rtpmap:96 H264/90000\na=fmtp:96 profile-level-id=42e01f;packetization-mode=0\n"
                + "a=rtpmap:97 H264/90000\na=fmtp:97 profile-level-id=640c1f;packetization-mode=1\n"
                + "a=rtpmap:98 H264/90000\na=fmtp:98 profile-level-id=4d001f;packetization-mode=1\n");
        assertThat(negotiate(offer, Offers.only(VideoCodec.H264)).video().orElseThrow().payloadType()).isEqualTo(98);
    }

    @Test
    void safariHighProfileListedFirstStillGetsConstrainedBaselineUnlessOnlyHighIsTaken() throws Exception {
        String safari = Offers.text("safari-17.sdp");
        assertThat(negotiate(safari, Offers.only(VideoCodec.H264)).video().orElseThrow().payloadType()).isEqualTo(98);
        NegotiatedVideo high = negotiate(safari, List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.HIGH))))
                .video().orElseThrow();
        assertThat(high.payloadType()).isEqualTo(96);
        assertThat(high.rtxPayloadType()).isEqualTo(97);
        assertThat(high.h264Format().orElseThrow().profile()).contains(H264Profile.HIGH);
    }

    @Test
    void absentProfileLevelIdMeansBaseline() throws Exception {
        String offer = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:0\na=sendonly\na=rtpmap:96 H264/90000\n"
                + "a=fmtp:96 packetization-mode=1\n");
        NegotiatedVideo v = negotiate(offer, List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.BASELINE))))
                .video().orElseThrow();
        assertThat(v.h264Format().orElseThrow().profileLevelId()).isEqualTo("42000a");
        OfferRejectedException e = rejection(offer,
                List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.CONSTRAINED_BASELINE))));
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC);
        assertThat(e.getMessage()).isEqualTo("offer has H264; accepted: H264(constrained-baseline)");
    }

    @Test
    void unsupportedH264ProfilesAndInterleavedModeAreNotAccepted() {
        String offer = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 96 97\na=mid:0\na=sendonly\n"
                + "a=rtpmap:96 H264/90000\na=fmtp:96 profile-level-id=f4001f;packetization-mode=1\n"
                + "a=rtpmap:97 H264/90000\na=fmtp:97 profile-level-id=42e01f;packetization-mode=2\n");
        OfferRejectedException e = rejection(offer, Offers.any());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC);
        assertThat(e.getMessage()).isEqualTo("offer has H264(f4001f), H264(42e01f); accepted: VP9, VP8, H264, H265, AV1");
    }

    @Test
    void vp9OtherThanProfileZeroIsNotAccepted() {
        String offer = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 100 101\na=mid:0\na=sendonly\n"
                + "a=rtpmap:100 VP9/90000\na=fmtp:100 profile-id=2\na=rtpmap:101 rtx/90000\na=fmtp:101 apt=100\n");
        assertThat(rejection(offer, Offers.only(VideoCodec.VP9)).getMessage())
                .isEqualTo("offer has VP9(profile-id=2); accepted: VP9");
    }

    @Test
    void ffmpegOfferWithVp9PreferenceNamesBothSides() {
        OfferRejectedException e = rejection(Offers.text("ffmpeg-8.1.sdp"), Offers.only(VideoCodec.VP9));
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC);
        assertThat(e.getMessage()).isEqualTo("offer has H264(64001f); accepted: VP9");
    }

    @Test
    void chromiumOfferWithNoMatchingPreferenceListsEveryOfferedCodecOnce() {
        OfferRejectedException e = rejection(Offers.text("chromium.sdp"),
                List.of(VideoCodecChoice.h264(EnumSet.of(H264Profile.HIGH))));
        assertThat(e.getMessage()).isEqualTo("offer has VP8, H264(42001f), H264(42e01f), H264(4d001f), AV1, VP9, "
                + "VP9(profile-id=2); accepted: H264(high)");
    }

    @Test
    void emptyPreferenceListAcceptsNoVideo() {
        OfferRejectedException e = rejection(Offers.text("werift.sdp"), List.of());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC);
        assertThat(e.getMessage()).endsWith("accepted: none");
    }

    // --- what the transport needs ----------------------------------------------------------------

    @Test
    void chromiumNegotiationCarriesTransportAndMediaDetails() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("chromium.sdp"), Offers.only(VideoCodec.H264));
        assertThat(s.dtlsRole()).isEqualTo(DtlsRole.SERVER);
        assertThat(s.localSetup()).isEqualTo(Setup.PASSIVE);
        assertThat(s.remoteIceUfrag()).isEqualTo("Xy7h");
        assertThat(s.remoteIcePwd()).isEqualTo("6b5t0oA9G3eI2wN0ZQmA1Rk7");
        assertThat(s.remoteIceOptions()).containsExactly("trickle");
        assertThat(s.remoteFingerprints()).singleElement()
                .satisfies(f -> assertThat(f.jcaAlgorithm()).isEqualTo("SHA-256"));
        assertThat(s.remoteCandidates()).extracting(IceCandidate::port).containsExactly(54400, 9);
        assertThat(s.bundleMids()).containsExactly("0", "1");

        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.rtcpFeedback()).containsExactlyInAnyOrder("nack", "nack pli", "ccm fir", "goog-remb",
                "transport-cc");
        assertThat(v.nack() && v.pli() && v.fir() && v.remb() && v.transportCc()).isTrue();
        assertThat(v.headerExtensions()).isEqualTo(new HeaderExtensions(4, 2, 3));
        assertThat(v.remoteStreams()).containsExactly(
                new RemoteStream(1390246171L, 3476508126L, Optional.of("vC4kWq0x1pFb9sHm")));

        NegotiatedAudio a = s.audio().orElseThrow();
        assertThat(a.payloadType()).isEqualTo(111);
        assertThat(a.fmtp().parameters()).isEqualTo("minptime=10;useinbandfec=1");
        assertThat(a.rtcpFeedback()).containsExactly("transport-cc");
        assertThat(a.headerExtensions()).isEqualTo(new HeaderExtensions(4, 2, 3));
        assertThat(a.remoteStreams()).containsExactly(new RemoteStream(2964211393L, -1, Optional.of("vC4kWq0x1pFb9sHm")));
    }

    @Test
    void answerAcceptsOnlyTheThreeHeaderExtensionsWithTheOfferedIds() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("chromium.sdp"), Offers.any());
        MediaDescription video = answerSection(s, 1);
        assertThat(video.extMaps()).extracting(ExtMap::id, ExtMap::uri).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, HeaderExtensions.ABS_SEND_TIME),
                org.assertj.core.groups.Tuple.tuple(3, HeaderExtensions.TRANSPORT_WIDE_CC),
                org.assertj.core.groups.Tuple.tuple(4, HeaderExtensions.SDES_MID));
        assertThat(s.answerSdp()).doesNotContain("toffset", "ssrc-audio-level", "video-orientation");
    }

    @Test
    void headerExtensionsThePublisherDoesNotSendOrCannotFitAreSkipped() throws Exception {
        String offer = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:0\na=sendonly\na=rtpmap:96 VP8/90000\n"
                + "a=extmap:2/recvonly " + HeaderExtensions.ABS_SEND_TIME + "\n"
                + "a=extmap:300 " + HeaderExtensions.TRANSPORT_WIDE_CC + "\n"
                + "a=extmap:5/sendonly " + HeaderExtensions.SDES_MID + "\n");
        NegotiatedSession s = negotiate(offer, Offers.any());
        assertThat(s.video().orElseThrow().headerExtensions()).isEqualTo(new HeaderExtensions(5, -1, -1));
        assertThat(answerSection(s, 0).extMaps()).extracting(ExtMap::id).containsExactly(5);
    }

    @Test
    void rtxIsPairedByAptNotByPosition() throws Exception {
        String offer = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99\na=mid:0\na=sendonly\n"
                + "a=rtpmap:96 VP8/90000\na=rtpmap:97 rtx/90000\na=fmtp:97 apt=98\n"
                + "a=rtpmap:98 VP9/90000\na=rtpmap:99 rtx/90000\na=fmtp:99 apt=96\n");
        NegotiatedVideo vp8 = negotiate(offer, Offers.only(VideoCodec.VP8)).video().orElseThrow();
        assertThat(vp8.rtxPayloadType()).isEqualTo(99);
        NegotiatedVideo vp9 = negotiate(offer, Offers.only(VideoCodec.VP9)).video().orElseThrow();
        assertThat(vp9.rtxPayloadType()).isEqualTo(97);
    }

    @Test
    void videoWithoutRtxIsAnsweredWithOnePayloadType() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("obs-30.sdp"), Offers.any());
        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.rtxPayloadType()).isEqualTo(-1);
        assertThat(v.hasRtx()).isFalse();
        assertThat(answerSection(s, 1).payloadTypes()).containsExactly(96);
        assertThat(v.rtcpFeedback()).containsExactlyInAnyOrder("nack", "nack pli", "goog-remb");
    }

    @Test
    void ffmpegSsrcGroupFidGivesThePrimaryAndRtxSsrc() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("ffmpeg-8.1.sdp"), Offers.only(VideoCodec.H264));
        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.remoteStreams()).containsExactly(
                new RemoteStream(1874592133L, 3021848766L, Optional.of("FFmpeg")));
        assertThat(v.payloadType()).isEqualTo(106);
        assertThat(v.rtxPayloadType()).isEqualTo(107);
        assertThat(v.rtcpFeedback()).containsExactlyInAnyOrder("nack", "nack pli");
        assertThat(s.remoteCandidates()).isEmpty();
        assertThat(s.audio().orElseThrow().remoteStreams()).extracting(RemoteStream::ssrc).containsExactly(2724516386L);
    }

    @Test
    void onlyFfmpegsOfferAsksForFeedbackAloneAndRtcpRsizeIsTakenFromTheVideoSection() throws Exception {
        NegotiatedSession ffmpeg = negotiate(Offers.read("offers/ffmpeg-h264.sdp"), Offers.only(VideoCodec.H264));
        assertThat(ffmpeg.feedbackAloneOnly()).isTrue();
        assertThat(ffmpeg.rtcpReducedSize()).as("FFmpeg offers rtcp-rsize on video only").isTrue();
        for (String other : List.of("offers/chromium-h264.sdp", "offers/gstreamer-h264.sdp", "sdp/obs-30.sdp",
                "sdp/safari-17.sdp", "sdp/werift.sdp")) {
            NegotiatedSession s = negotiate(Offers.read(other), Offers.any());
            assertThat(s.feedbackAloneOnly()).as(other).isFalse();
            boolean offered = SessionDescription.parse(Offers.read(other)).media()
                    .get(s.video().map(NegotiatedVideo::sectionIndex).orElseGet(() -> s.audio().orElseThrow().sectionIndex()))
                    .rtcpRsize();
            assertThat(s.rtcpReducedSize()).as(other).isEqualTo(offered);
        }
        assertThat(negotiate(Offers.text("obs-30.sdp"), Offers.any()).rtcpReducedSize()).isFalse();
    }

    @Test
    void nackAndRtxAreNegotiatedForH264Vp8AndVp9FromRealPublishers() throws Exception {
        record Case(String offer, VideoCodec codec, String... feedback) {
        }
        for (Case c : List.of(new Case("offers/chromium-h264.sdp", VideoCodec.H264, "nack", "nack pli"),
                new Case("offers/chromium-vp8.sdp", VideoCodec.VP8, "nack", "nack pli"),
                new Case("offers/chromium-vp9.sdp", VideoCodec.VP9, "nack", "nack pli"),
                new Case("offers/gstreamer-h264-nack.sdp", VideoCodec.H264, "nack", "nack pli"),
                new Case("offers/ffmpeg-h264.sdp", VideoCodec.H264, "nack"))) { // FFmpeg offers no PLI
            NegotiatedVideo v = negotiate(Offers.read(c.offer()), Offers.only(c.codec())).video().orElseThrow();
            assertThat(v.codec()).as(c.offer()).isEqualTo(c.codec());
            assertThat(v.rtcpFeedback()).as(c.offer()).contains(c.feedback());
            assertThat(v.hasRtx()).as(c.offer() + " RTX").isTrue();
        }
    }

    @Test
    void sessionLevelTransportAttributesAreUsed() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("obs-30.sdp"), Offers.any());
        assertThat(s.remoteIceUfrag()).isEqualTo("Kp7X");
        assertThat(s.remoteIceOptions()).containsExactly("ice2,trickle");
        assertThat(s.remoteFingerprints()).hasSize(1);
        assertThat(s.audio().orElseThrow().fmtp().parameterMap()).containsEntry("stereo", "1");
        assertThat(s.remoteCandidates()).extracting(IceCandidate::type).containsExactly("host", "srflx");
    }

    // --- DTLS roles ------------------------------------------------------------------------------

    @Test
    void dtlsRoleFollowsTheOfferedSetup() throws Exception {
        String chromium = Offers.text("chromium.sdp");
        NegotiatedSession actpass = negotiate(chromium, Offers.any());
        assertThat(actpass.dtlsRole()).isEqualTo(DtlsRole.SERVER);
        assertThat(actpass.answerSdp()).contains("a=setup:passive\r\n").doesNotContain("a=setup:active");

        NegotiatedSession active = negotiate(chromium.replace("a=setup:actpass", "a=setup:active"), Offers.any());
        assertThat(active.dtlsRole()).isEqualTo(DtlsRole.SERVER);
        assertThat(active.localSetup()).isEqualTo(Setup.PASSIVE);

        NegotiatedSession passive = negotiate(Offers.text("ffmpeg-8.1.sdp"), Offers.any());
        assertThat(passive.dtlsRole()).isEqualTo(DtlsRole.CLIENT);
        assertThat(passive.localSetup()).isEqualTo(Setup.ACTIVE);
        assertThat(passive.answerSdp()).contains("a=setup:active\r\n").doesNotContain("a=setup:passive");
    }

    @Test
    void missingSetupIsTreatedAsActpass() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("chromium.sdp").replace("a=setup:actpass\n", ""), Offers.any());
        assertThat(s.dtlsRole()).isEqualTo(DtlsRole.SERVER);
    }

    @Test
    void holdconnIsRejected() {
        OfferRejectedException e = rejection(Offers.text("chromium.sdp").replace("a=setup:actpass", "a=setup:holdconn"),
                Offers.any());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.UNSUPPORTED_DTLS_SETUP);
    }

    // --- sections: rejected, bundle-only, order ----------------------------------------------------

    @Test
    void gstreamerBundleOnlyAudioWithPortZeroIsAcceptedIntoTheBundle() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("gstreamer-1.22.sdp"), Offers.any());
        assertThat(s.bundleMids()).containsExactly("video0", "audio1");
        assertThat(s.answerSdp()).contains("a=group:BUNDLE video0 audio1\r\n");
        MediaDescription audio = answerSection(s, 1);
        assertThat(audio.port()).isEqualTo(40000);
        assertThat(audio.rtpMap(97)).contains(new RtpMap(97, "OPUS", 48000, 2));
        assertThat(s.audio().orElseThrow().fmtp().parameters()).isEqualTo("sprop-maxcapturerate=48000;sprop-stereo=0");
        assertThat(s.audio().orElseThrow().rtcpFeedback()).isEmpty();
        NegotiatedVideo v = s.video().orElseThrow();
        assertThat(v.h264Format().orElseThrow().profile()).contains(H264Profile.CONSTRAINED_BASELINE);
        assertThat(v.headerExtensions()).isEqualTo(HeaderExtensions.NONE);
        assertThat(s.remoteCandidates()).hasSize(3);
    }

    @Test
    void bundleOnlySectionOutsideAnyBundleGroupIsRejected() throws Exception {
        String offer = Offers.text("gstreamer-1.22.sdp").replace("a=group:BUNDLE video0 audio1", "a=group:BUNDLE video0");
        NegotiatedSession s = negotiate(offer, Offers.any());
        assertThat(s.audio()).isEmpty();
        assertThat(s.bundleMids()).containsExactly("video0");
        assertThat(answerSection(s, 1).port()).isZero();
        assertThat(answerSection(s, 1).mid()).contains("audio1");
    }

    @Test
    void dataChannelAndSecondVideoAreEchoedWithPortZeroKeepingTheirMid() throws Exception {
        String extra = "m=video 9 UDP/TLS/RTP/SAVPF 96\nc=IN IP4 0.0.0.0\na=mid:2\na=sendonly\na=rtcp-mux\n"
                + "a=rtpmap:96 VP8/90000\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\nc=IN IP4 0.0.0.0\na=mid:3\n"
                + "a=sctp-port:5000\na=max-message-size:262144\n";
        String offer = Offers.text("chromium.sdp").replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2 3") + extra;
        NegotiatedSession s = negotiate(offer, Offers.any());
        assertThat(s.bundleMids()).containsExactly("0", "1");
        SessionDescription answer = SessionDescription.parse(s.answerSdp());
        assertThat(answer.media()).extracting(MediaDescription::port).containsExactly(40000, 40000, 0, 0);
        assertThat(answer.media().get(3).formats()).containsExactly("webrtc-datachannel");
        assertThat(answer.media().get(3).proto()).isEqualTo("UDP/DTLS/SCTP");
        assertThat(answer.media()).extracting(m -> m.mid().orElseThrow()).containsExactly("0", "1", "2", "3");
        assertThat(answer.bundleGroups()).containsExactly(new Group("BUNDLE", List.of("0", "1")));
    }

    @Test
    void nonOpusAudioIsRejectedAndVideoAloneAccepted() throws Exception {
        String offer = minimalOfferWithBundle("0 1",
                "m=audio 9 UDP/TLS/RTP/SAVPF 0 8\na=mid:0\na=sendonly\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\n"
                        + "m=video 9 UDP/TLS/RTP/SAVPF 96\na=mid:1\na=sendonly\na=rtpmap:96 VP8/90000\n");
        NegotiatedSession s = negotiate(offer, Offers.any());
        assertThat(s.audio()).isEmpty();
        assertThat(s.video()).isPresent();
        assertThat(s.bundleMids()).containsExactly("1");
        assertThat(answerSection(s, 0).port()).isZero();
        assertThat(answerSection(s, 0).direction()).isEqualTo(Direction.INACTIVE);
    }

    @Test
    void opusMonoOrOtherClockIsNotOpus48000Stereo() {
        String offer = minimalOffer("m=audio 9 UDP/TLS/RTP/SAVPF 96 97\na=mid:0\na=sendonly\n"
                + "a=rtpmap:96 opus/48000\na=rtpmap:97 opus/16000/2\n");
        OfferRejectedException e = rejection(offer, Offers.any());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_MEDIA);
        assertThat(e.getMessage()).contains("opus/48000, opus/16000/2").contains("accepted: audio opus/48000/2");
    }

    @Test
    void audioOnlyOfferIsAccepted() throws Exception {
        String offer = minimalOffer("m=audio 9 UDP/TLS/RTP/SAVPF 111\na=mid:0\na=sendonly\na=rtpmap:111 opus/48000/2\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1\n");
        NegotiatedSession s = negotiate(offer, Offers.only(VideoCodec.VP9));
        assertThat(s.video()).isEmpty();
        assertThat(s.audio().orElseThrow().fmtp().parameters()).isEqualTo("minptime=10;useinbandfec=1;stereo=1");
        assertThat(s.bundleMids()).isEmpty();
        assertThat(s.answerSdp()).doesNotContain("a=group");
    }

    @Test
    void videoThePublisherDoesNotSendIsNotACodecProblem() throws Exception {
        for (String dir : List.of("recvonly", "inactive")) {
            String offer = Offers.text("ffmpeg-8.1.sdp").replace("a=mid:1\na=sendonly", "a=mid:1\na=" + dir);
            NegotiatedSession s = negotiate(offer, Offers.only(VideoCodec.VP9));
            assertThat(s.video()).isEmpty();
            assertThat(answerSection(s, 1).port()).isZero();
        }
    }

    @Test
    void sectionDisabledWithPortZeroIsRejected() throws Exception {
        String offer = Offers.text("werift.sdp").replaceFirst("m=audio 9 ", "m=audio 0 ");
        NegotiatedSession s = negotiate(offer, Offers.any());
        assertThat(s.audio()).isEmpty();
        assertThat(answerSection(s, 1).port()).isZero();
    }

    @Test
    void answerKeepsOfferOrderWithAudioFirst() throws Exception {
        SessionDescription answer = SessionDescription.parse(
                negotiate(Offers.text("ffmpeg-8.1.sdp"), Offers.any()).answerSdp());
        assertThat(answer.media()).extracting(MediaDescription::kind).containsExactly(MediaKind.AUDIO, MediaKind.VIDEO);
        assertThat(answer.media()).extracting(m -> m.mid().orElseThrow()).containsExactly("0", "1");
    }

    // --- offers that cannot be accepted ------------------------------------------------------------

    @Test
    void offerWithoutFingerprintIsRejected() {
        String offer = Offers.text("chromium.sdp").replaceAll("a=fingerprint:[^\n]*\n", "");
        assertThat(rejection(offer, Offers.any()).reason()).isEqualTo(OfferRejectedException.Reason.NO_DTLS_FINGERPRINT);
    }

    @Test
    void offerWithoutIceCredentialsIsRejected() {
        String noPwd = Offers.text("chromium.sdp").replaceAll("a=ice-pwd:[^\n]*\n", "");
        assertThat(rejection(noPwd, Offers.any()).reason()).isEqualTo(OfferRejectedException.Reason.NO_ICE_CREDENTIALS);
        String noUfrag = Offers.text("obs-30.sdp").replaceAll("a=ice-ufrag:[^\n]*\n", "");
        assertThat(rejection(noUfrag, Offers.any()).reason()).isEqualTo(OfferRejectedException.Reason.NO_ICE_CREDENTIALS);
    }

    @Test
    void plainRtpOfferIsRejected() {
        String offer = Offers.text("werift.sdp").replace("UDP/TLS/RTP/SAVPF", "RTP/AVP");
        OfferRejectedException e = rejection(offer, Offers.any());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NOT_RTP_SAVPF);
        assertThat(e.getMessage()).contains("video RTP/AVP");
    }

    @Test
    void tcpDtlsProfileIsAccepted() throws Exception {
        String offer = Offers.text("werift.sdp").replace("UDP/TLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVPF");
        NegotiatedSession s = negotiate(offer, Offers.any());
        assertThat(s.video().orElseThrow().proto()).isEqualTo("TCP/DTLS/RTP/SAVPF");
    }

    @Test
    void offerWithOnlyADataChannelHasNoMedia() {
        String offer = minimalOffer("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\na=mid:0\na=sctp-port:5000\n");
        OfferRejectedException e = rejection(offer, Offers.any());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_MEDIA);
    }

    @Test
    void audioAndVideoWithoutBundleAreRejectedButOneSectionAloneIsFine() throws Exception {
        String unbundled = Offers.text("werift.sdp").replace("a=group:BUNDLE 0 1\n", "");
        OfferRejectedException e = rejection(unbundled, Offers.any());
        assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NOT_BUNDLED);

        String videoOnly = minimalOffer("m=video 9 UDP/TLS/RTP/SAVPF 96\na=sendonly\na=rtpmap:96 VP8/90000\n");
        NegotiatedSession s = negotiate(videoOnly, Offers.any());
        assertThat(s.video().orElseThrow().mid()).isEmpty();
        assertThat(s.bundleMids()).isEmpty();
    }

    // --- answer text -----------------------------------------------------------------------------

    @Test
    void answerCarriesOurCandidatesUdpFirstAndIpv6Connection() throws Exception {
        LocalTransport v6 = LocalTransport.iceLite("ingotUfrag1", "ingotPasswordOf24Chars00", LOCAL.fingerprint(),
                List.of(IceCandidate.host("9", "tcp", 1L, "::1", 40001), IceCandidate.host("8", "udp", 2L, "::1", 40002)));
        NegotiatedSession s = OfferNegotiation.negotiate(Offers.parsed("werift.sdp"), Offers.any(), v6);
        String answer = s.answerSdp();
        assertThat(answer).contains("m=video 40002 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP6 ::1\r\n");
        assertThat(answer.indexOf("a=candidate:8 1 udp 2 ::1 40002 typ host"))
                .isLessThan(answer.indexOf("a=candidate:9 1 tcp 1 ::1 40001 typ host tcptype passive"));
    }

    @Test
    void answerTextForWeriftIsExactlyAsExpected() throws Exception {
        NegotiatedSession s = negotiate(Offers.text("werift.sdp"), Offers.any());
        String expectedTransport = "a=recvonly\r\na=rtcp-mux\r\n"
                + "a=ice-ufrag:ingotUfrag1\r\na=ice-pwd:ingotPasswordOf24Chars00\r\n"
                + "a=fingerprint:sha-256 A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90\r\n"
                + "a=setup:passive\r\n";
        String candidates = "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"
                + "a=candidate:2 1 tcp 1518280447 127.0.0.1 40001 typ host tcptype passive\r\n"
                + "a=end-of-candidates\r\n";
        assertThat(s.answerSdp()).isEqualTo("v=0\r\n"
                + "o=- " + AnswerWriter.sessionId(LOCAL) + " 2 IN IP4 127.0.0.1\r\n"
                + "s=-\r\nt=0 0\r\na=ice-lite\r\na=group:BUNDLE 0 1\r\na=extmap-allow-mixed\r\n"
                + "m=video 40000 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 127.0.0.1\r\na=mid:0\r\n" + expectedTransport
                + "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 goog-remb\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n" + candidates
                + "m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=mid:1\r\n" + expectedTransport
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n" + candidates);
    }

    @Test
    void extmapAllowMixedIsEchoedOnlyWhenOffered() throws Exception {
        assertThat(negotiate(Offers.text("chromium.sdp"), Offers.any()).answerSdp())
                .contains("a=group:BUNDLE 0 1\r\na=extmap-allow-mixed\r\n");
        assertThat(negotiate(Offers.text("obs-30.sdp"), Offers.any()).answerSdp()).doesNotContain("extmap-allow-mixed");
    }

    @Test
    void sessionIdIsAPositiveNumberThatDependsOnOurCredentials() {
        long a = AnswerWriter.sessionId(LOCAL);
        long b = AnswerWriter.sessionId(LocalTransport.iceLite("otherUfrag", "ingotPasswordOf24Chars00",
                LOCAL.fingerprint(), LOCAL.candidates()));
        assertThat(a).isPositive().isNotEqualTo(b);
    }

    @Test
    void localTransportValidatesCredentialsAndCandidates() {
        assertThatThrownBy(() -> LocalTransport.iceLite("abc", "ingotPasswordOf24Chars00", LOCAL.fingerprint(),
                LOCAL.candidates())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalTransport.iceLite("abcd", "short", LOCAL.fingerprint(), LOCAL.candidates()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalTransport.iceLite("abc d", "ingotPasswordOf24Chars00", LOCAL.fingerprint(),
                LOCAL.candidates())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalTransport.iceLite("abcd", "ingotPasswordOf24Chars00", LOCAL.fingerprint(),
                List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    static String minimalOffer(String mediaSections) {
        return "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
                + "a=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuvwx\n"
                + "a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n"
                + "a=setup:actpass\n" + mediaSections;
    }

    static String minimalOfferWithBundle(String mids, String mediaSections) {
        return minimalOffer("").replace("a=setup:actpass\n", "a=setup:actpass\na=group:BUNDLE " + mids + "\n")
                + mediaSections;
    }
}
