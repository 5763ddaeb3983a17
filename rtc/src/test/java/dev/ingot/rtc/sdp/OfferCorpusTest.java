package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every offer in the corpus (src/test/resources/sdp and offers/) parses with LF and CRLF line ends,
 * is accepted with several decoder preference lists, and yields an answer that re-parses and follows
 * the checklist. Adding a publisher's offer is adding a file.
 */
class OfferCorpusTest {

    static Stream<String> offers() {
        return Offers.corpus();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void parsesWithLfAndCrlfToTheSameModel(String resource) throws Exception {
        String text = Offers.read(resource);
        SessionDescription lf = SessionDescription.parse(text.replace("\r\n", "\n"));
        SessionDescription crlf = SessionDescription.parse(Offers.crlf(text));
        assertThat(crlf).isEqualTo(lf);
        assertThat(lf.media()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void isAcceptedWithAnyAndTheAnswerFollowsTheChecklist(String resource) throws Exception {
        SessionDescription offer = SessionDescription.parse(Offers.read(resource));
        LocalTransport local = Offers.local();
        NegotiatedSession s = OfferNegotiation.negotiate(offer, Offers.any(), local);
        AnswerChecklist.verify(offer, s, local);
        assertThat(s.remoteFingerprints()).isNotEmpty();
        assertThat(s.remoteIceUfrag()).isNotBlank();
        assertThat(s.remoteIcePwd()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void eachOfferedVideoCodecAloneIsAcceptedOrNamedInTheRejection(String resource) throws Exception {
        SessionDescription offer = SessionDescription.parse(Offers.read(resource));
        for (VideoCodec codec : VideoCodec.values()) {
            List<VideoCodecChoice> prefs = Offers.only(codec);
            try {
                NegotiatedSession s = OfferNegotiation.negotiate(offer, prefs, Offers.local());
                AnswerChecklist.verify(offer, s, Offers.local());
                s.video().ifPresent(v -> assertThat(v.codec()).isEqualTo(codec));
            } catch (OfferRejectedException e) {
                assertThat(e.reason()).isEqualTo(OfferRejectedException.Reason.NO_COMMON_VIDEO_CODEC);
                assertThat(e.getMessage()).contains("accepted: " + codec.encodingName()).startsWith("offer has ");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void iceRestartAnswerFragmentParses(String resource) throws Exception {
        SessionDescription offer = SessionDescription.parse(Offers.read(resource));
        NegotiatedSession s = OfferNegotiation.negotiate(offer, Offers.any(), Offers.local());
        TrickleFragment f = TrickleFragment.parse(s.iceRestartAnswer(Offers.local()));
        assertThat(f.iceLite()).isTrue();
        assertThat(f.iceUfrag()).contains(Offers.local().iceUfrag());
        assertThat(f.sections()).hasSize(1);
        if (!s.bundleMids().isEmpty()) {
            assertThat(f.sections().get(0).mid()).contains(s.bundleMids().get(0));
        }
        assertThat(f.allCandidates()).containsExactlyInAnyOrderElementsOf(Offers.local().candidates());
    }
}
