package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.sdp.Fingerprint;
import dev.ingot.rtc.sdp.Fmtp;
import dev.ingot.rtc.sdp.H264Format;
import dev.ingot.rtc.sdp.IceCandidate;
import dev.ingot.rtc.sdp.LocalTransport;
import dev.ingot.rtc.sdp.MediaDescription;
import dev.ingot.rtc.sdp.NegotiatedSession;
import dev.ingot.rtc.sdp.OfferNegotiation;
import dev.ingot.rtc.sdp.OfferRejectedException;
import dev.ingot.rtc.sdp.SdpParseException;
import dev.ingot.rtc.sdp.SessionDescription;
import dev.ingot.rtc.sdp.TrickleFragment;
import dev.ingot.rtc.sdp.VideoCodecChoice;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * SDP (RFC 8866) as a WHIP endpoint receives it (RFC 9725): {@link SessionDescription#parse} and
 * {@link TrickleFragment#parse} throw only {@link SdpParseException}; {@link OfferNegotiation#negotiate} of whatever
 * parses throws only {@link OfferRejectedException}; and what we write back (the answer, the ICE restart fragment, a
 * re-written trickle fragment) parses again.
 */
class SdpFuzzTest {
    private static final LocalTransport LOCAL = Fixtures.localTransport();
    private static final LocalTransport RESTARTED = LocalTransport.iceLite("ingotUfrag2", "ingotPasswordOf24Chars11",
            new Fingerprint("sha-256", HexFormat.of().parseHex(
                    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90")),
            List.of(IceCandidate.host("3", "udp", 2130706431L, "::1", 40002)));

    /** The offer body (as the WHIP endpoint decodes it, UTF-8), then negotiation with each preference list. */
    @FuzzTest
    @DictionaryFile(resourcePath = "sdp.dict")
    void offer(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(text);
        } catch (SdpParseException e) {
            return;
        }
        exercise(offer);
        for (List<VideoCodecChoice> preferences : Fixtures.PREFERENCES) {
            NegotiatedSession session;
            try {
                session = OfferNegotiation.negotiate(offer, preferences, LOCAL);
            } catch (OfferRejectedException e) {
                assertThat(e.reason()).isNotNull();
                continue;
            }
            try {
                SessionDescription answer = SessionDescription.parse(session.answerSdp());
                assertThat(answer.media()).as("the answer has one m= line per offered one")
                        .hasSize(offer.media().size());
                TrickleFragment.parse(session.iceRestartAnswer(RESTARTED));
            } catch (SdpParseException e) {
                throw new AssertionError("our own answer does not parse:\n" + session.answerSdp(), e);
            }
        }
    }

    /** A trickle/restart PATCH body (application/trickle-ice-sdpfrag, RFC 8840); what parses re-writes stably. */
    @FuzzTest
    @DictionaryFile(resourcePath = "sdp.dict")
    void trickleFragment(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        TrickleFragment fragment;
        try {
            fragment = TrickleFragment.parse(text);
        } catch (SdpParseException e) {
            return;
        }
        fragment.effectiveIceUfrag();
        fragment.effectiveIcePwd();
        fragment.allCandidates();
        fragment.anyEndOfCandidates();
        fragment.isIceRestart(Fixtures.REMOTE_UFRAG, Fixtures.REMOTE_PWD);
        String written = fragment.write();
        try {
            TrickleFragment again = TrickleFragment.parse(written);
            assertThat(again.write()).as("write(parse(write(f))) == write(f)").isEqualTo(written);
        } catch (SdpParseException e) {
            throw new AssertionError("a re-written fragment does not parse:\n" + written, e);
        }
    }

    private static void exercise(SessionDescription offer) {
        offer.bundleGroups();
        offer.attribute("ice-lite");
        offer.attribute("group");
        for (MediaDescription m : offer.media()) {
            m.isSecureAvpf();
            m.isRtp();
            offer.iceUfragFor(m);
            offer.icePwdFor(m);
            offer.fingerprintsFor(m);
            offer.setupFor(m);
            m.mid().ifPresent(mid -> {
                offer.bundleGroupOf(mid);
                offer.mediaWithMid(mid);
            });
            m.attribute("rtcp");
            m.hasAttribute("rtcp-mux");
            for (int pt : m.payloadTypes()) {
                m.rtpMap(pt).ifPresent(r -> r.sdpValue());
                m.fmtp(pt).ifPresent(SdpFuzzTest::exerciseFmtp);
                m.rtcpFeedbackFor(pt);
            }
            m.ssrcs().values().forEach(s -> {
                s.cname();
                s.msid();
            });
            m.candidates().forEach(IceCandidate::attributeLine);
            m.fingerprints().forEach(Fingerprint::sdpValue);
        }
    }

    private static void exerciseFmtp(Fmtp fmtp) {
        fmtp.apt();
        fmtp.parameter("profile-level-id");
        H264Format h264 = H264Format.of(fmtp);
        h264.supportedPacketization();
    }
}
