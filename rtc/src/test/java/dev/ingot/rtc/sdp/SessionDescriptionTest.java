package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionDescriptionTest {

    @Test
    void parsesChromiumOfferSessionLevel() {
        SessionDescription s = Offers.parsed("chromium.sdp");
        assertThat(s.origin()).contains("- 6914728033178406524 2 IN IP4 127.0.0.1");
        assertThat(s.bundleGroups()).containsExactly(new Group("BUNDLE", List.of("0", "1")));
        assertThat(s.msidSemantic()).contains("WMS 9b3c1f0e-5d7a-4c55-9a6e-2f1c6c0d8e41");
        assertThat(s.attribute("extmap-allow-mixed")).contains("");
        assertThat(s.iceUfrag()).isEmpty();
        assertThat(s.media()).extracting(MediaDescription::kind).containsExactly(MediaKind.AUDIO, MediaKind.VIDEO);
    }

    @Test
    void parsesChromiumAudioSection() {
        MediaDescription audio = Offers.parsed("chromium.sdp").media().get(0);
        assertThat(audio.port()).isEqualTo(54400);
        assertThat(audio.proto()).isEqualTo("UDP/TLS/RTP/SAVPF");
        assertThat(audio.payloadTypes()).containsExactly(111, 63, 9, 0, 8, 13, 110, 126);
        assertThat(audio.mid()).contains("0");
        assertThat(audio.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpRsize()).isTrue();
        assertThat(audio.rtpMap(111)).contains(new RtpMap(111, "opus", 48000, 2));
        assertThat(audio.rtpMap(0)).contains(new RtpMap(0, "PCMU", 8000, 0));
        assertThat(audio.fmtp(111).orElseThrow().parameterMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of("minptime", "10", "useinbandfec", "1"));
        assertThat(audio.fmtp(63).orElseThrow().parameters()).isEqualTo("111/111");
        assertThat(audio.fmtp(63).orElseThrow().parameterMap()).isEmpty();
        assertThat(audio.rtcpFeedbackFor(111)).extracting(RtcpFeedback::value).containsExactly("transport-cc");
        assertThat(audio.extMaps()).extracting(ExtMap::id).containsExactly(1, 2, 3, 4);
        assertThat(audio.iceUfrag()).contains("Xy7h");
        assertThat(audio.icePwd()).contains("6b5t0oA9G3eI2wN0ZQmA1Rk7");
        assertThat(audio.iceOptions()).containsExactly("trickle");
        assertThat(audio.setup()).contains(Setup.ACTPASS);
        assertThat(audio.fingerprints()).singleElement().satisfies(f -> {
            assertThat(f.hashFunction()).isEqualTo("sha-256");
            assertThat(f.digest()).hasSize(32).startsWith((byte) 0x0F, (byte) 0xE0);
        });
        assertThat(audio.candidates()).hasSize(2);
        IceCandidate udp = audio.candidates().get(0);
        assertThat(udp.foundation()).isEqualTo("1467250027");
        assertThat(udp.component()).isEqualTo(1);
        assertThat(udp.transport()).isEqualTo("udp");
        assertThat(udp.priority()).isEqualTo(2122260223L);
        assertThat(udp.address()).isEqualTo("127.0.0.1");
        assertThat(udp.port()).isEqualTo(54400);
        assertThat(udp.type()).isEqualTo("host");
        assertThat(udp.extensions()).containsEntry("generation", "0").containsEntry("network-id", "1");
        assertThat(audio.candidates().get(1).tcpType()).contains("active");
        assertThat(audio.ssrcs().get(2964211393L).cname()).contains("vC4kWq0x1pFb9sHm");
    }

    @Test
    void parsesChromiumVideoSection() {
        MediaDescription video = Offers.parsed("chromium.sdp").media().get(1);
        assertThat(video.payloadTypes()).hasSize(23).startsWith(96, 97, 102);
        assertThat(video.rtpMaps().values().stream().filter(r -> r.isEncoding("H264"))).hasSize(6);
        assertThat(video.rtpMaps().values().stream().filter(r -> r.isEncoding("rtx"))).hasSize(11);
        assertThat(video.fmtp(106).orElseThrow().parameter("profile-level-id")).contains("42e01f");
        assertThat(video.fmtp(106).orElseThrow().parameter("PACKETIZATION-MODE")).contains("1");
        assertThat(video.fmtp(107).orElseThrow().apt()).isEqualTo(106);
        assertThat(video.rtcpFeedbackFor(106)).extracting(RtcpFeedback::value)
                .containsExactly("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
        assertThat(video.extMaps()).contains(new ExtMap(4, Optional.empty(), HeaderExtensions.SDES_MID, ""));
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(1390246171L, 3476508126L)));
        assertThat(video.ssrcs()).containsOnlyKeys(1390246171L, 3476508126L);
        assertThat(video.candidates()).isEmpty();
    }

    @Test
    void keepsUpperCaseEncodingNamesAndMatchesThemCaseInsensitively() {
        MediaDescription audio = Offers.parsed("gstreamer-1.22.sdp").media().get(1);
        RtpMap opus = audio.rtpMap(97).orElseThrow();
        assertThat(opus.encodingName()).isEqualTo("OPUS");
        assertThat(opus.isEncoding("opus")).isTrue();
        assertThat(audio.port()).isZero();
        assertThat(audio.bundleOnly()).isTrue();
        assertThat(audio.mid()).contains("audio1");
    }

    @Test
    void parsesGStreamerUpperCaseCandidateTransports() {
        MediaDescription video = Offers.parsed("gstreamer-1.22.sdp").media().get(0);
        assertThat(video.candidates()).extracting(IceCandidate::transport).containsExactly("udp", "tcp", "tcp");
        assertThat(video.candidates().get(2).tcpType()).contains("passive");
        assertThat(video.fmtp(96).orElseThrow().parameter("sprop-parameter-sets"))
                .contains("Z0LAH9kAUAW7ARAAAAMAEAAAAwPI8YMkgA==,aMuMsg==");
        assertThat(video.extMaps()).isEmpty();
    }

    @Test
    void effectiveTransportAttributesPreferMediaLevel() throws Exception {
        String sdp = """
                v=0
                o=- 1 1 IN IP4 0.0.0.0
                s=-
                t=0 0
                a=ice-ufrag:sessUfrag
                a=ice-pwd:sessionPasswordSessionPwd
                a=fingerprint:sha-256 AA:BB
                a=setup:actpass
                m=audio 9 UDP/TLS/RTP/SAVPF 111
                a=rtpmap:111 opus/48000/2
                m=video 9 UDP/TLS/RTP/SAVPF 96
                a=ice-ufrag:mediaUfrag
                a=ice-pwd:mediaPasswordMediaPasswd
                a=fingerprint:sha-1 CC:DD
                a=fingerprint:sha-256 EE:FF
                a=setup:passive
                a=rtpmap:96 VP8/90000
                """;
        SessionDescription s = SessionDescription.parse(sdp);
        MediaDescription audio = s.media().get(0);
        MediaDescription video = s.media().get(1);
        assertThat(s.iceUfragFor(audio)).contains("sessUfrag");
        assertThat(s.iceUfragFor(video)).contains("mediaUfrag");
        assertThat(s.icePwdFor(video)).contains("mediaPasswordMediaPasswd");
        assertThat(s.setupFor(audio)).contains(Setup.ACTPASS);
        assertThat(s.setupFor(video)).contains(Setup.PASSIVE);
        assertThat(s.fingerprintsFor(audio)).extracting(Fingerprint::sdpValue).containsExactly("sha-256 AA:BB");
        assertThat(s.fingerprintsFor(video)).extracting(Fingerprint::sdpValue)
                .containsExactly("sha-1 CC:DD", "sha-256 EE:FF");
    }

    @Test
    void toleratesWhitespaceBlankLinesUnknownLinesAndAttributes() throws Exception {
        String sdp = "v=0\n\n  o=- 1 1 IN IP4 0.0.0.0  \r\ns=-\nt=0 0\nx=unknown line type\n"
                + "a=unknown-flag\na=x-custom:whatever  value \n"
                + "m=video   9   UDP/TLS/RTP/SAVPF   96  97 \n"
                + "a=rtpmap:96   H264/90000\t\n"
                + "a=fmtp:96  packetization-mode=1 ; profile-level-id=42E01F\n"
                + "a=rtcp-fb:*   nack\n"
                + "a=rtpmap:97 rtx/90000\na=fmtp:97 apt=96\n"
                + "a=msid-semantic: WMS\n"
                + "\n\n";
        SessionDescription s = SessionDescription.parse(sdp);
        MediaDescription v = s.media().get(0);
        assertThat(v.payloadTypes()).containsExactly(96, 97);
        assertThat(v.rtpMap(96)).contains(new RtpMap(96, "H264", 90000, 0));
        assertThat(v.fmtp(96).orElseThrow().parameter("profile-level-id")).contains("42E01F");
        assertThat(v.rtcpFeedbackFor(96)).extracting(RtcpFeedback::value).containsExactly("nack");
        assertThat(v.rtcpFeedback().get(0).payloadType()).isEqualTo(RtcpFeedback.ANY_PAYLOAD_TYPE);
        assertThat(v.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(s.attribute("x-custom")).contains("whatever  value");
        assertThat(v.attribute("msid-semantic")).contains("WMS");
    }

    @Test
    void acceptsLoneCrLineEnds() throws Exception {
        SessionDescription s = SessionDescription.parse(Offers.text("ffmpeg-8.1.sdp").replace("\n", "\r"));
        assertThat(s).isEqualTo(Offers.parsed("ffmpeg-8.1.sdp"));
    }

    @Test
    void sessionLevelDirectionIsTheDefaultForMedia() throws Exception {
        SessionDescription s = SessionDescription.parse(
                "v=0\na=sendonly\nm=audio 9 UDP/TLS/RTP/SAVPF 111\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=inactive\n");
        assertThat(s.media()).extracting(MediaDescription::direction)
                .containsExactly(Direction.SENDONLY, Direction.INACTIVE);
    }

    @Test
    void parsesApplicationAndUnknownMediaWithoutPayloadTypes() throws Exception {
        SessionDescription s = SessionDescription.parse("v=0\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
                + "a=mid:2\na=sctp-port:5000\nm=text 0 RTP/AVP 98\n");
        assertThat(s.media().get(0).kind()).isEqualTo(MediaKind.APPLICATION);
        assertThat(s.media().get(0).formats()).containsExactly("webrtc-datachannel");
        assertThat(s.media().get(0).payloadTypes()).isEmpty();
        assertThat(s.media().get(0).attribute("sctp-port")).contains("5000");
        assertThat(s.media().get(1).kind()).isEqualTo(MediaKind.OTHER);
        assertThat(s.media().get(1).payloadTypes()).containsExactly(98);
    }

    @Test
    void parsesExtmapDirectionsAndSsrcWithoutAttribute() throws Exception {
        MediaDescription m = SessionDescription.parse("v=0\nm=video 9 UDP/TLS/RTP/SAVPF 96\n"
                + "a=extmap:3/sendonly http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\n"
                + "a=ssrc:42\na=ssrc-group:SIM 1 2 3\n").media().get(0);
        assertThat(m.extMaps()).containsExactly(new ExtMap(3, Optional.of(Direction.SENDONLY),
                HeaderExtensions.ABS_SEND_TIME, ""));
        assertThat(m.ssrcs()).containsOnlyKeys(42L);
        assertThat(m.ssrcGroups().get(0).is("sim")).isTrue();
    }

    @Test
    void rejectsMissingVersionLine() {
        assertThatThrownBy(() -> SessionDescription.parse("o=- 1 1 IN IP4 0.0.0.0\nm=audio 9 RTP/AVP 0\n"))
                .isInstanceOf(SdpParseException.class).hasMessageContaining("v=0");
        assertThatThrownBy(() -> SessionDescription.parse("v=1\nm=audio 9 RTP/AVP 0\n"))
                .isInstanceOf(SdpParseException.class);
    }

    @Test
    void rejectsOfferWithoutMediaSection() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"))
                .isInstanceOf(SdpParseException.class).hasMessageContaining("no m=");
        assertThatThrownBy(() -> SessionDescription.parse("")).isInstanceOf(SdpParseException.class);
        assertThatThrownBy(() -> SessionDescription.parse(null)).isInstanceOf(SdpParseException.class);
    }

    @Test
    void rejectsLinesThatAreNotTypeEqualsValue() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\nm=audio 9 RTP/AVP 0\nthis is not sdp\n"))
                .isInstanceOf(SdpParseException.class).hasMessageContaining("line 3");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\nM=audio 9 RTP/AVP 0\n"))
                .isInstanceOf(SdpParseException.class);
        assertThatThrownBy(() -> SessionDescription.parse("v=0\nm=audio 9 RTP/AVP 0\na=mid:\u0000\n"))
                .isInstanceOf(SdpParseException.class);
    }

    @Test
    void rejectsMalformedKnownAttributesWithTheLineNumber() {
        String head = "v=0\nm=video 9 UDP/TLS/RTP/SAVPF 96\n";
        for (String bad : List.of("a=rtpmap:96", "a=rtpmap:300 H264/90000", "a=rtpmap:96 H264", "a=rtpmap:96 H264/x",
                "a=fmtp:abc x=1", "a=rtcp-fb:96", "a=extmap:0 urn:x", "a=extmap:1/sideways urn:x", "a=ssrc:-1 cname:x",
                "a=ssrc:4294967296 cname:x", "a=ssrc-group:FID", "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host",
                "a=candidate:1 1 udp", "a=fingerprint:sha-256", "a=fingerprint:sha-256 ZZ:00",
                "a=fingerprint:sha-256 AB:CD:", "a=setup:sometimes", "a=mid:two words", "a=ice-ufrag:")) {
            assertThatThrownBy(() -> SessionDescription.parse(head + bad + "\n")).as(bad)
                    .isInstanceOf(SdpParseException.class).hasMessageStartingWith("line 3: ");
        }
    }

    @Test
    void rejectsEmptySessionLevelGroup() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\na=group:\nm=audio 9 RTP/AVP 0\n"))
                .isInstanceOf(SdpParseException.class).hasMessageStartingWith("line 2: ");
    }

    @Test
    void rejectsMalformedMediaLines() {
        for (String bad : List.of("m=video", "m=video 9 UDP/TLS/RTP/SAVPF", "m=video 70000 RTP/AVP 96",
                "m=video x RTP/AVP 96", "m=video 9 UDP/TLS/RTP/SAVPF H264", "m=video 9 RTP/AVP 128",
                "m=video 9/0 RTP/AVP 96")) {
            assertThatThrownBy(() -> SessionDescription.parse("v=0\n" + bad + "\n")).as(bad)
                    .isInstanceOf(SdpParseException.class);
        }
    }

    @Test
    void rejectsMoreThanAThousandMediaSections() throws Exception {
        StringBuilder sb = new StringBuilder("v=0\n");
        for (int i = 0; i < 1000; i++) {
            sb.append("m=audio 0 RTP/AVP 0\n");
        }
        assertThat(SessionDescription.parse(sb.toString()).media()).hasSize(1000);
        sb.append("m=audio 0 RTP/AVP 0\n");
        assertThatThrownBy(() -> SessionDescription.parse(sb.toString())).isInstanceOf(SdpParseException.class)
                .hasMessageContaining("1000 media sections");
    }

    @Test
    void rejectsOverlongLinesAndOversizedInput() {
        String longLine = "v=0\nm=audio 9 RTP/AVP 0\na=x:" + "y".repeat(SdpText.MAX_LINE_CHARS) + "\n";
        assertThatThrownBy(() -> SessionDescription.parse(longLine)).isInstanceOf(SdpParseException.class)
                .hasMessageContaining("longer than");
        String huge = "v=0\nm=audio 9 RTP/AVP 0\n" + "a=x\n".repeat(SdpText.MAX_CHARS / 4);
        assertThatThrownBy(() -> SessionDescription.parse(huge)).isInstanceOf(SdpParseException.class);
        String manyLines = "v=0\nm=audio 9 RTP/AVP 0\n" + "\na=x".repeat(SdpText.MAX_LINES);
        assertThatThrownBy(() -> SessionDescription.parse(manyLines)).isInstanceOf(SdpParseException.class)
                .hasMessageContaining("lines");
    }

    @Test
    void rejectsDuplicateMids() {
        assertThatThrownBy(() -> SessionDescription.parse(
                "v=0\nm=audio 9 RTP/AVP 0\na=mid:a\nm=video 9 RTP/AVP 96\na=mid:a\n"))
                .isInstanceOf(SdpParseException.class).hasMessageContaining("duplicate a=mid:a");
    }

    @Test
    void rejectsSecondVersionLine() {
        assertThatThrownBy(() -> SessionDescription.parse("v=0\nv=0\nm=audio 9 RTP/AVP 0\n"))
                .isInstanceOf(SdpParseException.class);
        assertThatThrownBy(() -> SessionDescription.parse("v=0\nm=audio 9 RTP/AVP 0\nv=0\n"))
                .isInstanceOf(SdpParseException.class);
    }
}
