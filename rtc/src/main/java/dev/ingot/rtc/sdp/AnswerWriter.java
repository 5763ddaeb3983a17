package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes the recvonly answer (RFC 3264 §6, RFC 8829 §5.3.1, RFC 9725 §4.2): media sections in offer
 * order, accepted ones on the one BUNDLE transport with our ICE-lite credentials, fingerprint, setup
 * and candidates, rejected ones with port 0 and their mid.
 */
final class AnswerWriter {
    private static final String CRLF = "\r\n";

    private AnswerWriter() {}

    static String write(SessionDescription offer, NegotiatedVideo video, NegotiatedAudio audio,
            List<String> bundleMids, Setup localSetup, LocalTransport local) {
        StringBuilder sb = new StringBuilder(2048);
        line(sb, "v=0");
        line(sb, "o=- " + sessionId(local) + " 2 IN IP4 127.0.0.1");
        line(sb, "s=-");
        line(sb, "t=0 0");
        if (local.iceLite()) {
            line(sb, "a=ice-lite");
        }
        if (!bundleMids.isEmpty()) {
            line(sb, "a=group:BUNDLE " + String.join(" ", bundleMids));
        }
        if (offer.attribute("extmap-allow-mixed").isPresent()) {
            // RFC 8285 §6: the publisher may mix one- and two-byte header extensions (ids above 14).
            line(sb, "a=extmap-allow-mixed");
        }
        IceCandidate def = local.defaultCandidate();
        String connection = "c=IN " + (def.address().indexOf(':') >= 0 ? "IP6 " : "IP4 ") + def.address();
        List<MediaDescription> media = offer.media();
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            if (video != null && video.sectionIndex() == i) {
                List<Integer> pts = new ArrayList<>(List.of(video.payloadType()));
                if (video.hasRtx()) {
                    pts.add(video.rtxPayloadType());
                }
                acceptedHeader(sb, m, pts, def.port(), connection, localSetup, local);
                RtpMap map = m.rtpMaps().get(video.payloadType());
                formatLines(sb, map, video.rtcpFeedback(), video.answerFmtp());
                if (video.hasRtx()) {
                    RtpMap rtx = m.rtpMaps().get(video.rtxPayloadType());
                    formatLines(sb, rtx, Set.of(),
                            m.fmtp(video.rtxPayloadType()).orElse(Fmtp.of(rtx.payloadType(), "apt=" + video.payloadType())));
                }
                candidateLines(sb, local);
            } else if (audio != null && audio.sectionIndex() == i) {
                acceptedHeader(sb, m, List.of(audio.payloadType()), def.port(), connection, localSetup, local);
                formatLines(sb, m.rtpMaps().get(audio.payloadType()), audio.rtcpFeedback(), audio.answerFmtp());
                candidateLines(sb, local);
            } else {
                rejected(sb, m);
            }
        }
        return sb.toString();
    }

    private static void acceptedHeader(StringBuilder sb, MediaDescription m, List<Integer> pts, int port,
            String connection, Setup localSetup, LocalTransport local) {
        StringBuilder mline = new StringBuilder("m=").append(m.media()).append(' ').append(port).append(' ')
                .append(m.proto());
        pts.forEach(pt -> mline.append(' ').append(pt));
        line(sb, mline.toString());
        line(sb, connection);
        m.mid().ifPresent(mid -> line(sb, "a=mid:" + mid));
        line(sb, "a=recvonly");
        line(sb, "a=rtcp-mux");
        if (m.rtcpRsize()) {
            line(sb, "a=rtcp-rsize");
        }
        line(sb, "a=ice-ufrag:" + local.iceUfrag());
        line(sb, "a=ice-pwd:" + local.icePwd());
        line(sb, "a=fingerprint:" + local.fingerprint().sdpValue());
        line(sb, "a=setup:" + localSetup.sdpName());
        for (ExtMap e : OfferNegotiation.acceptedExtMaps(m)) {
            line(sb, "a=extmap:" + e.id() + " " + e.uri());
        }
    }

    private static void formatLines(StringBuilder sb, RtpMap map, Set<String> feedback, Fmtp fmtp) {
        line(sb, "a=rtpmap:" + map.sdpValue());
        for (String fb : feedback) {
            line(sb, "a=rtcp-fb:" + map.payloadType() + " " + fb);
        }
        if (!fmtp.parameters().isEmpty()) {
            line(sb, "a=fmtp:" + map.payloadType() + " " + fmtp.parameters());
        }
    }

    private static void candidateLines(StringBuilder sb, LocalTransport local) {
        for (IceCandidate c : udpFirst(local.candidates())) {
            line(sb, c.attributeLine());
        }
        line(sb, "a=end-of-candidates");
    }

    /** UDP candidates before TCP ones (FFmpeg's WHIP muxer takes the first UDP candidate it sees). */
    static List<IceCandidate> udpFirst(List<IceCandidate> candidates) {
        List<IceCandidate> out = new ArrayList<>(candidates.size());
        candidates.stream().filter(IceCandidate::isUdp).forEach(out::add);
        candidates.stream().filter(c -> !c.isUdp()).forEach(out::add);
        return out;
    }

    private static void rejected(StringBuilder sb, MediaDescription m) {
        line(sb, "m=" + m.media() + " 0 " + m.proto() + " " + String.join(" ", m.formats()));
        line(sb, "c=IN IP4 0.0.0.0");
        m.mid().ifPresent(mid -> line(sb, "a=mid:" + mid));
        if (m.isRtp()) {
            line(sb, "a=inactive");
        }
    }

    /** A numeric o= session id derived from our (random) ICE credentials: no clock, no RNG needed here. */
    static long sessionId(LocalTransport local) {
        long h = 0xcbf29ce484222325L;
        for (char c : (local.iceUfrag() + ":" + local.icePwd()).toCharArray()) {
            h ^= c;
            h *= 0x100000001b3L;
        }
        h &= Long.MAX_VALUE;
        return h == 0 ? 1 : h;
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append(CRLF);
    }
}
