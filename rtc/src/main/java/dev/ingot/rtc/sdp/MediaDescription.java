package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One media section of a session description: the {@code m=} line (RFC 8866 §5.14) and its
 * attributes, with the ones WebRTC uses parsed (RFC 8829 §5.8). {@code attributes} keeps every
 * {@code a=} line, known or not, in order. ICE and DTLS attributes here are media-level only; use
 * {@link SessionDescription#iceUfragFor} and friends for the effective value.
 */
public record MediaDescription(
        MediaKind kind,
        String media,
        int port,
        int portCount,
        String proto,
        List<String> formats,
        List<Integer> payloadTypes,
        Optional<String> connection,
        List<Attribute> attributes,
        Optional<String> mid,
        Direction direction,
        boolean rtcpMux,
        boolean rtcpRsize,
        boolean bundleOnly,
        Map<Integer, RtpMap> rtpMaps,
        Map<Integer, Fmtp> fmtps,
        List<RtcpFeedback> rtcpFeedback,
        List<ExtMap> extMaps,
        Map<Long, SsrcDescription> ssrcs,
        List<SsrcGroup> ssrcGroups,
        List<IceCandidate> candidates,
        boolean endOfCandidates,
        Optional<String> iceUfrag,
        Optional<String> icePwd,
        List<String> iceOptions,
        List<Fingerprint> fingerprints,
        Optional<Setup> setup) {

    public MediaDescription {
        formats = List.copyOf(formats);
        payloadTypes = List.copyOf(payloadTypes);
        attributes = List.copyOf(attributes);
        rtpMaps = Collections.unmodifiableMap(new LinkedHashMap<>(rtpMaps));
        fmtps = Collections.unmodifiableMap(new LinkedHashMap<>(fmtps));
        rtcpFeedback = List.copyOf(rtcpFeedback);
        extMaps = List.copyOf(extMaps);
        ssrcs = Collections.unmodifiableMap(new LinkedHashMap<>(ssrcs));
        ssrcGroups = List.copyOf(ssrcGroups);
        candidates = List.copyOf(candidates);
        iceOptions = List.copyOf(iceOptions);
        fingerprints = List.copyOf(fingerprints);
    }

    /** True for RTP/SAVPF profiles: UDP/TLS/RTP/SAVPF, TCP/DTLS/RTP/SAVPF, TCP/TLS/RTP/SAVPF, RTP/SAVPF (RFC 5764 §8, RFC 8829 §5.1.2). */
    public boolean isSecureAvpf() {
        String p = proto.toUpperCase(Locale.ROOT);
        return p.equals("UDP/TLS/RTP/SAVPF") || p.equals("TCP/DTLS/RTP/SAVPF") || p.equals("TCP/TLS/RTP/SAVPF")
                || p.equals("RTP/SAVPF");
    }

    /** True when the proto is an RTP profile, so that the formats are payload types. */
    public boolean isRtp() {
        return isRtpProto(proto);
    }

    static boolean isRtpProto(String proto) {
        String p = proto.toUpperCase(Locale.ROOT);
        return p.startsWith("RTP/") || p.contains("/RTP/");
    }

    public Optional<RtpMap> rtpMap(int payloadType) {
        return Optional.ofNullable(rtpMaps.get(payloadType));
    }

    public Optional<Fmtp> fmtp(int payloadType) {
        return Optional.ofNullable(fmtps.get(payloadType));
    }

    /** The rtcp-fb lines for this payload type, wildcard ones included. */
    public List<RtcpFeedback> rtcpFeedbackFor(int payloadType) {
        List<RtcpFeedback> out = new ArrayList<>();
        for (RtcpFeedback fb : rtcpFeedback) {
            if (fb.appliesTo(payloadType)) {
                out.add(fb);
            }
        }
        return out;
    }

    /** The first value of the named attribute (names compare case-insensitively). */
    public Optional<String> attribute(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Attribute a : attributes) {
            if (a.name().equals(n)) {
                return Optional.of(a.valueOrEmpty());
            }
        }
        return Optional.empty();
    }

    public boolean hasAttribute(String name) {
        return attribute(name).isPresent();
    }

    /** Builds the model from a parsed m= line and the lines that followed it. */
    static MediaDescription build(String mLine, Optional<String> connection, List<SdpText.Line> attrLines,
            Direction defaultDirection) throws SdpParseException {
        List<String> t = SdpText.tokens(mLine);
        if (t.size() < 4) {
            throw new SdpParseException("m= needs '<media> <port> <proto> <fmt> ...'");
        }
        String media = t.get(0);
        if (!SdpText.isVisibleToken(media)) {
            throw new SdpParseException("invalid media type");
        }
        String portPart = t.get(1);
        int portCount = 1;
        int slash = portPart.indexOf('/');
        if (slash >= 0) {
            portCount = SdpText.parseInt(portPart.substring(slash + 1), 1, 65535, "m= port count");
            portPart = portPart.substring(0, slash);
        }
        int port = SdpText.parseInt(portPart, 0, 65535, "m= port");
        String proto = t.get(2);
        if (!SdpText.isVisibleToken(proto)) {
            throw new SdpParseException("invalid m= proto");
        }
        List<String> formats = t.subList(3, t.size());
        List<Integer> pts = new ArrayList<>();
        if (isRtpProto(proto)) {
            for (String f : formats) {
                int pt = SdpText.parseInt(f, 0, 127, "payload type");
                if (!pts.contains(pt)) {
                    pts.add(pt);
                }
            }
        }
        for (String f : formats) {
            if (!SdpText.isVisibleToken(f)) {
                throw new SdpParseException("invalid m= format");
            }
        }

        List<Attribute> attributes = new ArrayList<>();
        TransportAttributes transport = new TransportAttributes();
        Optional<String> mid = Optional.empty();
        Direction direction = defaultDirection;
        boolean rtcpMux = false;
        boolean rtcpRsize = false;
        boolean bundleOnly = false;
        Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
        Map<Integer, Fmtp> fmtps = new LinkedHashMap<>();
        List<RtcpFeedback> rtcpFb = new ArrayList<>();
        List<ExtMap> extMaps = new ArrayList<>();
        Map<Long, Map<String, String>> ssrcAttrs = new LinkedHashMap<>();
        List<SsrcGroup> ssrcGroups = new ArrayList<>();

        for (SdpText.Line line : attrLines) {
            try {
                Attribute a = Attribute.parse(line.value());
                attributes.add(a);
                if (transport.accept(a)) {
                    continue;
                }
                Optional<Direction> dir = a.value().isEmpty() ? Direction.ofAttribute(a.name()) : Optional.empty();
                if (dir.isPresent()) {
                    direction = dir.get();
                    continue;
                }
                switch (a.name()) {
                    case "mid" -> {
                        String v = TransportAttributes.requireToken(a);
                        if (mid.isEmpty()) {
                            mid = Optional.of(v);
                        }
                    }
                    case "rtcp-mux" -> rtcpMux = true;
                    case "rtcp-rsize" -> rtcpRsize = true;
                    case "bundle-only" -> bundleOnly = true;
                    case "rtpmap" -> {
                        RtpMap m = RtpMap.parse(TransportAttributes.requireValue(a));
                        rtpMaps.putIfAbsent(m.payloadType(), m);
                    }
                    case "fmtp" -> {
                        Fmtp f = Fmtp.parse(TransportAttributes.requireValue(a));
                        fmtps.putIfAbsent(f.payloadType(), f);
                    }
                    case "rtcp-fb" -> rtcpFb.add(RtcpFeedback.parse(TransportAttributes.requireValue(a)));
                    case "extmap" -> extMaps.add(ExtMap.parse(TransportAttributes.requireValue(a)));
                    case "ssrc" -> parseSsrc(TransportAttributes.requireValue(a), ssrcAttrs);
                    case "ssrc-group" -> ssrcGroups.add(SsrcGroup.parse(TransportAttributes.requireValue(a)));
                    default -> { }
                }
            } catch (SdpParseException e) {
                throw new SdpParseException("line " + line.number() + ": " + e.getMessage());
            }
        }
        Map<Long, SsrcDescription> ssrcs = new LinkedHashMap<>();
        ssrcAttrs.forEach((ssrc, attrs) -> ssrcs.put(ssrc, new SsrcDescription(ssrc, attrs)));

        return new MediaDescription(MediaKind.of(media), media, port, portCount, proto, formats, pts, connection,
                attributes, mid, direction, rtcpMux, rtcpRsize, bundleOnly, rtpMaps, fmtps, rtcpFb, extMaps, ssrcs,
                ssrcGroups, transport.candidates, transport.endOfCandidates, transport.iceUfrag, transport.icePwd,
                transport.iceOptions, transport.fingerprints, transport.setup);
    }

    private static void parseSsrc(String value, Map<Long, Map<String, String>> out) throws SdpParseException {
        int sp = 0;
        while (sp < value.length() && !SdpText.isSpace(value.charAt(sp))) {
            sp++;
        }
        long ssrc = SsrcDescription.parseSsrc(value.substring(0, sp));
        Map<String, String> attrs = out.computeIfAbsent(ssrc, k -> new LinkedHashMap<>());
        String rest = value.substring(sp).strip();
        if (rest.isEmpty()) {
            return;
        }
        int colon = rest.indexOf(':');
        String name = (colon < 0 ? rest : rest.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String v = colon < 0 ? "" : rest.substring(colon + 1).strip();
        attrs.putIfAbsent(name, v);
    }
}
