package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrickleFragmentTest {
    /** The trickle PATCH body of RFC 9725 §4.3.1 (example). */
    static final String RFC9725_TRICKLE = """
            a=group:BUNDLE 0 1
            m=audio 9 UDP/TLS/RTP/SAVPF 111
            a=mid:0
            a=ice-ufrag:EsAw
            a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
            a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1
            a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 ufrag EsAw network-id 2
            a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0 ufrag EsAw network-id 1
            a=candidate:2154773085 1 tcp 1518214911 198.51.100.2 9 typ host tcptype active generation 0 ufrag EsAw network-id 2
            a=end-of-candidates
            """;

    @Test
    void parsesTheRfc9725TrickleExample() throws Exception {
        TrickleFragment f = TrickleFragment.parse(Offers.crlf(RFC9725_TRICKLE));
        assertThat(f.groups()).containsExactly(new Group("BUNDLE", List.of("0", "1")));
        assertThat(f.sections()).hasSize(1);
        TrickleFragment.Section s = f.sections().get(0);
        assertThat(s.mediaLine()).contains(new TrickleFragment.MediaLine("audio", 9, "UDP/TLS/RTP/SAVPF", List.of("111")));
        assertThat(s.mid()).contains("0");
        assertThat(f.effectiveIceUfrag()).contains("EsAw");
        assertThat(f.effectiveIcePwd()).contains("bP+XJMM09aR8AiX1jdukzR6Y");
        assertThat(f.allCandidates()).hasSize(4);
        assertThat(f.allCandidates().get(2).tcpType()).contains("active");
        assertThat(f.allCandidates().get(0).extensions()).containsEntry("ufrag", "EsAw");
        assertThat(f.anyEndOfCandidates()).isTrue();
    }

    @Test
    void sameCredentialsAreATrickleDifferentOnesAnIceRestart() throws Exception {
        TrickleFragment f = TrickleFragment.parse(RFC9725_TRICKLE);
        assertThat(f.isIceRestart("EsAw", "bP+XJMM09aR8AiX1jdukzR6Y")).isFalse();
        assertThat(f.isIceRestart("old1", "bP+XJMM09aR8AiX1jdukzR6Y")).isTrue();
        assertThat(f.isIceRestart("EsAw", "oldPasswordOldPassword")).isTrue();
    }

    @Test
    void fragmentWithoutCredentialsIsNeverARestart() throws Exception {
        TrickleFragment f = TrickleFragment.parse("a=mid:0\na=candidate:1 1 udp 1 10.0.0.1 5000 typ host\n");
        assertThat(f.isIceRestart("x", "y")).isFalse();
        assertThat(f.sections()).singleElement().satisfies(s -> {
            assertThat(s.mediaLine()).isEmpty();
            assertThat(s.mid()).contains("0");
            assertThat(s.candidates()).hasSize(1);
        });
    }

    @Test
    void sessionLevelCredentialsAndCandidatesBeforeAnySection() throws Exception {
        TrickleFragment f = TrickleFragment.parse("""
                a=ice-ufrag:newU
                a=ice-pwd:newPasswordNewPassword12
                a=candidate:1 1 udp 1 10.0.0.1 5000 typ host
                a=end-of-candidates
                """);
        assertThat(f.iceUfrag()).contains("newU");
        assertThat(f.candidates()).hasSize(1);
        assertThat(f.endOfCandidates()).isTrue();
        assertThat(f.sections()).isEmpty();
        assertThat(f.isIceRestart("oldU", "oldPasswordOldPassword12")).isTrue();
    }

    @Test
    void secondMidStartsANewSection() throws Exception {
        TrickleFragment f = TrickleFragment.parse("""
                a=mid:0
                a=candidate:1 1 udp 1 10.0.0.1 5000 typ host
                a=mid:1
                a=candidate:2 1 udp 1 10.0.0.2 5000 typ host
                a=end-of-candidates
                """);
        assertThat(f.sections()).extracting(s -> s.mid().orElseThrow()).containsExactly("0", "1");
        assertThat(f.sections().get(1).endOfCandidates()).isTrue();
        assertThat(f.sections().get(0).endOfCandidates()).isFalse();
    }

    @Test
    void emptyFragmentHasNothing() throws Exception {
        TrickleFragment f = TrickleFragment.parse("\r\n");
        assertThat(f.allCandidates()).isEmpty();
        assertThat(f.anyEndOfCandidates()).isFalse();
    }

    @Test
    void rejectsMalformedLines() {
        for (String bad : List.of("a=candidate:1 1 udp", "a=ice-ufrag:", "m=audio", "m=audio x UDP/TLS/RTP/SAVPF 111",
                "garbage", "a=mid:")) {
            assertThatThrownBy(() -> TrickleFragment.parse(bad + "\n")).as(bad).isInstanceOf(SdpParseException.class);
        }
    }

    @Test
    void writeAndParseRoundTrip() throws Exception {
        TrickleFragment f = TrickleFragment.parse(RFC9725_TRICKLE);
        String written = f.write();
        assertThat(written).endsWith("\r\n").doesNotContain("\n\n");
        assertThat(TrickleFragment.parse(written)).isEqualTo(f);
    }

    @Test
    void iceRestartAnswerHasTheRfc9725Shape() throws Exception {
        NegotiatedSession s = OfferNegotiation.negotiate(Offers.parsed("chromium.sdp"), Offers.any(), Offers.local());
        LocalTransport fresh = LocalTransport.iceLite("289b31b754eaa438", "0b66f472495ef0ccac7bda5ef7e8e6b5",
                Offers.local().fingerprint(), List.of(IceCandidate.host("1", "udp", 2130706431L, "198.51.100.1", 39132)));
        assertThat(s.iceRestartAnswer(fresh)).isEqualTo("""
                a=ice-lite\r
                a=ice-ufrag:289b31b754eaa438\r
                a=ice-pwd:0b66f472495ef0ccac7bda5ef7e8e6b5\r
                m=audio 9 UDP/TLS/RTP/SAVPF 111\r
                a=mid:0\r
                a=candidate:1 1 udp 2130706431 198.51.100.1 39132 typ host\r
                a=end-of-candidates\r
                """);
    }

    @Test
    void iceRestartAnswerUsesTheVideoSectionWhenVideoIsTheBundleTag() throws Exception {
        NegotiatedSession s = OfferNegotiation.negotiate(Offers.parsed("gstreamer-1.22.sdp"), Offers.any(),
                Offers.local());
        TrickleFragment f = TrickleFragment.parse(s.iceRestartAnswer(Offers.local()));
        assertThat(f.sections().get(0).mediaLine().orElseThrow().formats()).containsExactly("96");
        assertThat(f.sections().get(0).mid()).contains("video0");
        TrickleFragment chromiumVideoOnly = TrickleFragment.iceRestartAnswer(
                OfferNegotiation.negotiate(Offers.parsed("chromium.sdp"), Offers.only(VideoCodec.VP8), Offers.local()),
                Offers.local());
        assertThat(chromiumVideoOnly.sections().get(0).mediaLine().orElseThrow().media()).isEqualTo("audio");
        assertThat(chromiumVideoOnly.sections().get(0).mid()).isEqualTo(Optional.of("0"));
    }
}
