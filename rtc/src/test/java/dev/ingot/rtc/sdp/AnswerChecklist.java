package dev.ingot.rtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Asserts the answer rules of rfc9725-checklist.md on an answer, after re-parsing it with our own
 * parser: same sections in the same order, accepted ones recvonly on one BUNDLE transport with our
 * ICE-lite credentials, fingerprint, setup and candidates, exactly one codec per section (+ RTX),
 * only offered payload types / feedback / the three header extensions with the offered ids, rejected
 * ones with port 0 outside the BUNDLE group.
 */
final class AnswerChecklist {
    private AnswerChecklist() {}

    static SessionDescription verify(SessionDescription offer, NegotiatedSession negotiated, LocalTransport local)
            throws SdpParseException {
        String text = negotiated.answerSdp();
        assertThat(text).endsWith("\r\n").doesNotContain("\n\n").doesNotContain("\r\r");
        for (String line : text.split("\r\n")) {
            assertThat(line).matches("[a-z]=.*");
        }
        SessionDescription answer = SessionDescription.parse(text);
        assertThat(answer.iceLite()).as("a=ice-lite").isTrue();
        assertThat(answer.media()).hasSameSizeAs(offer.media());

        List<String> acceptedMids = new ArrayList<>();
        int acceptedVideo = 0;
        int acceptedAudio = 0;
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription o = offer.media().get(i);
            MediaDescription a = answer.media().get(i);
            assertThat(a.media()).as("section %d media", i).isEqualTo(o.media());
            assertThat(a.proto()).as("section %d proto", i).isEqualTo(o.proto());
            assertThat(a.mid()).as("section %d mid", i).isEqualTo(o.mid());
            if (a.port() == 0) {
                assertThat(a.candidates()).isEmpty();
                continue;
            }
            a.mid().ifPresent(acceptedMids::add);
            if (a.kind() == MediaKind.VIDEO) {
                acceptedVideo++;
            } else {
                assertThat(a.kind()).isEqualTo(MediaKind.AUDIO);
                acceptedAudio++;
            }
            assertThat(a.direction()).isEqualTo(Direction.RECVONLY);
            assertThat(a.rtcpMux()).isTrue();
            assertThat(a.rtcpRsize()).isEqualTo(o.rtcpRsize());
            assertThat(a.bundleOnly()).isFalse();
            assertThat(answer.iceUfragFor(a)).contains(local.iceUfrag());
            assertThat(answer.icePwdFor(a)).contains(local.icePwd());
            assertThat(answer.fingerprintsFor(a)).containsExactly(local.fingerprint());
            assertThat(answer.setupFor(a)).contains(negotiated.localSetup());
            assertThat(a.candidates()).containsExactlyInAnyOrderElementsOf(local.candidates());
            assertThat(a.candidates().get(0).isUdp()).as("first candidate is UDP").isTrue();
            assertThat(a.endOfCandidates()).isTrue();
            assertThat(a.port()).isEqualTo(local.defaultCandidate().port());
            assertThat(a.connection()).contains("IN IP4 " + local.defaultCandidate().address());

            // payload types: a subset of the offer's, one codec (+ its RTX for video)
            assertThat(o.payloadTypes()).containsAll(a.payloadTypes());
            List<Integer> codecs = a.payloadTypes().stream()
                    .filter(pt -> !a.rtpMaps().get(pt).isEncoding("rtx")).toList();
            assertThat(codecs).as("codec payload types of section %d", i).hasSize(1);
            int pt = codecs.get(0);
            assertThat(a.rtpMaps().keySet()).containsExactlyInAnyOrderElementsOf(a.payloadTypes());
            assertThat(a.rtpMaps().get(pt)).isEqualTo(o.rtpMaps().get(pt));
            if (a.rtpMaps().get(pt).isEncoding("H265")) {
                // RFC 7798 §7.2.2: the publisher's sprop-* parameter sets are not echoed in a recvonly answer
                assertThat(a.fmtp(pt).map(Fmtp::parameters).orElse(""))
                        .isEqualTo(o.fmtp(pt).map(H265Format::answerFmtp).map(Fmtp::parameters).orElse(""))
                        .doesNotContain("sprop-");
            } else if (a.rtpMaps().get(pt).isEncoding("opus")) {
                // RFC 7587 §6.1: the offered parameters, and useinbandfec=1 since Ingot decodes in-band FEC
                java.util.Map<String, String> expected = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                o.fmtp(pt).ifPresent(f -> expected.putAll(f.parameterMap()));
                expected.put("useinbandfec", "1");
                assertThat(a.fmtp(pt).orElseThrow().parameterMap()).isEqualTo(expected);
            } else {
                assertThat(a.fmtp(pt).map(Fmtp::parameters)).isEqualTo(o.fmtp(pt).map(Fmtp::parameters));
            }
            for (int rtx : a.payloadTypes()) {
                if (rtx != pt) {
                    assertThat(a.kind()).isEqualTo(MediaKind.VIDEO);
                    assertThat(a.fmtp(rtx).orElseThrow().apt()).isEqualTo(pt);
                    assertThat(o.fmtp(rtx).orElseThrow().apt()).isEqualTo(pt);
                }
            }
            if (a.kind() == MediaKind.AUDIO) {
                RtpMap opus = a.rtpMaps().get(pt);
                assertThat(opus.isEncoding("opus")).isTrue();
                assertThat(opus.clockRate()).isEqualTo(48000);
                assertThat(opus.channels()).isEqualTo(2);
            }
            Set<String> offeredFb = new HashSet<>();
            o.rtcpFeedbackFor(pt).forEach(f -> offeredFb.add(f.value()));
            for (RtcpFeedback fb : a.rtcpFeedback()) {
                assertThat(fb.payloadType()).isEqualTo(pt);
                assertThat(offeredFb).contains(fb.value());
                assertThat(List.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc")).contains(fb.value());
            }
            for (ExtMap e : a.extMaps()) {
                assertThat(List.of(HeaderExtensions.SDES_MID, HeaderExtensions.ABS_SEND_TIME,
                        HeaderExtensions.TRANSPORT_WIDE_CC)).contains(e.uri());
                assertThat(o.extMaps()).anyMatch(x -> x.id() == e.id() && x.uri().equals(e.uri()));
            }
            assertThat(a.ssrcs()).isEmpty();
        }
        assertThat(acceptedVideo).isLessThanOrEqualTo(1);
        assertThat(acceptedAudio).isLessThanOrEqualTo(1);
        assertThat(acceptedVideo + acceptedAudio).isPositive();
        assertThat(negotiated.video().isPresent()).isEqualTo(acceptedVideo == 1);
        assertThat(negotiated.audio().isPresent()).isEqualTo(acceptedAudio == 1);

        List<Group> bundles = answer.bundleGroups();
        if (offer.bundleGroups().isEmpty()) {
            assertThat(bundles).isEmpty();
        } else {
            assertThat(bundles).hasSize(1);
            assertThat(bundles.get(0).mids()).containsExactlyInAnyOrderElementsOf(acceptedMids);
            assertThat(negotiated.bundleMids()).isEqualTo(bundles.get(0).mids());
        }
        // DTLS roles are complementary
        Setup offered = negotiated.remoteFingerprints().isEmpty() ? null : offerSetup(offer);
        if (offered == Setup.PASSIVE) {
            assertThat(negotiated.localSetup()).isEqualTo(Setup.ACTIVE);
            assertThat(negotiated.dtlsRole()).isEqualTo(DtlsRole.CLIENT);
        } else {
            assertThat(negotiated.localSetup()).isEqualTo(Setup.PASSIVE);
            assertThat(negotiated.dtlsRole()).isEqualTo(DtlsRole.SERVER);
        }
        return answer;
    }

    private static Setup offerSetup(SessionDescription offer) {
        for (MediaDescription m : offer.media()) {
            if (m.setup().isPresent()) {
                return m.setup().get();
            }
        }
        return offer.setup().orElse(Setup.ACTPASS);
    }
}
