package dev.ingot.rtc.sdp;

import java.util.List;
import java.util.Optional;

/**
 * The result of answering a WHIP offer: the answer SDP to send, and everything the transport needs:
 * our DTLS role and setup value, the publisher's ICE credentials, fingerprints (any one may match its
 * certificate, RFC 8122 §5) and candidates, the BUNDLE mids, and the accepted video and audio.
 *
 * @param rtcpReducedSize   {@code a=rtcp-rsize} (RFC 5506) was offered, so answered, on the section our feedback is
 *                          about (video if accepted, else audio): feedback may go in non-compound packets
 * @param feedbackAloneOnly the offer is FFmpeg's WHIP muxer's ({@code o=FFmpeg ...}), which reads an RTCP
 *                          feedback message only when it is alone in its datagram
 */
public record NegotiatedSession(
        String answerSdp,
        DtlsRole dtlsRole,
        Setup localSetup,
        String remoteIceUfrag,
        String remoteIcePwd,
        List<String> remoteIceOptions,
        List<Fingerprint> remoteFingerprints,
        List<IceCandidate> remoteCandidates,
        List<String> bundleMids,
        Optional<NegotiatedVideo> video,
        Optional<NegotiatedAudio> audio,
        LocalTransport local,
        boolean rtcpReducedSize,
        boolean feedbackAloneOnly) {

    public NegotiatedSession {
        remoteIceOptions = List.copyOf(remoteIceOptions);
        remoteFingerprints = List.copyOf(remoteFingerprints);
        remoteCandidates = List.copyOf(remoteCandidates);
        bundleMids = List.copyOf(bundleMids);
    }

    /**
     * The answer fragment for a PATCH that restarts ICE (RFC 9725 §4.3.2), carrying the new local
     * credentials and candidates. The m= line and mid are those of the first accepted section.
     */
    public String iceRestartAnswer(LocalTransport newLocal) {
        return TrickleFragment.iceRestartAnswer(this, newLocal).write();
    }
}
