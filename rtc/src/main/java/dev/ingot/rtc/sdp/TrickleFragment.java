package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A trickle-ICE SDP fragment ({@code application/trickle-ice-sdpfrag}, RFC 8840 §9) as a WHIP PATCH
 * carries it (RFC 9725 §4.3): session-level ICE attributes, then per-media sections ({@code m=} line
 * and/or {@code a=mid}) with candidates and {@code a=end-of-candidates}. Candidates that appear before
 * any section are tolerated and kept in {@code candidates}/{@code endOfCandidates}.
 */
public record TrickleFragment(
        boolean iceLite,
        Optional<String> iceUfrag,
        Optional<String> icePwd,
        List<String> iceOptions,
        List<Group> groups,
        List<IceCandidate> candidates,
        boolean endOfCandidates,
        List<Section> sections) {

    public TrickleFragment {
        iceOptions = List.copyOf(iceOptions);
        groups = List.copyOf(groups);
        candidates = List.copyOf(candidates);
        sections = List.copyOf(sections);
    }

    /** An {@code m=} line of a fragment (RFC 8840 uses port 9 and the offer's proto and formats). */
    public record MediaLine(String media, int port, String proto, List<String> formats) {
        public MediaLine {
            formats = List.copyOf(formats);
        }

        String write() {
            return "m=" + media + " " + port + " " + proto + (formats.isEmpty() ? "" : " " + String.join(" ", formats));
        }
    }

    /** One media section of the fragment. */
    public record Section(Optional<MediaLine> mediaLine, Optional<String> mid, Optional<String> iceUfrag,
            Optional<String> icePwd, List<IceCandidate> candidates, boolean endOfCandidates) {
        public Section {
            candidates = List.copyOf(candidates);
        }
    }

    /**
     * Parses a fragment. Lines other than m= and a= and unknown attributes are ignored.
     *
     * @throws SdpParseException on malformed m=, candidate or ICE attribute lines or oversized input;
     *     never any other exception
     */
    public static TrickleFragment parse(String sdpfrag) throws SdpParseException {
        List<SdpText.Line> lines = SdpText.lines(sdpfrag);
        TransportAttributes session = new TransportAttributes();
        List<Group> groups = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        Optional<MediaLine> mediaLine = Optional.empty();
        Optional<String> mid = Optional.empty();
        TransportAttributes current = null;
        for (SdpText.Line line : lines) {
            try {
                if (line.type() == 'm') {
                    if (current != null) {
                        sections.add(section(mediaLine, mid, current));
                    }
                    checkSectionCount(sections);
                    mediaLine = Optional.of(parseMediaLine(line.value()));
                    mid = Optional.empty();
                    current = new TransportAttributes();
                    continue;
                }
                if (line.type() != 'a') {
                    continue;
                }
                Attribute a = Attribute.parse(line.value());
                if (a.name().equals("mid")) {
                    String v = TransportAttributes.requireToken(a);
                    if (current == null || mid.isPresent()) {
                        // a=mid without an m= line (or a second one) starts a section of its own
                        if (current != null) {
                            sections.add(section(mediaLine, mid, current));
                        }
                        checkSectionCount(sections);
                        mediaLine = Optional.empty();
                        current = new TransportAttributes();
                    }
                    mid = Optional.of(v);
                } else if (a.name().equals("group")) {
                    groups.add(Group.parse(TransportAttributes.requireValue(a)));
                } else {
                    (current == null ? session : current).accept(a);
                }
            } catch (SdpParseException e) {
                throw new SdpParseException("line " + line.number() + ": " + e.getMessage());
            }
        }
        if (current != null) {
            sections.add(section(mediaLine, mid, current));
        }
        return new TrickleFragment(session.iceLite, session.iceUfrag, session.icePwd, session.iceOptions, groups,
                session.candidates, session.endOfCandidates, sections);
    }

    private static void checkSectionCount(List<Section> sections) throws SdpParseException {
        if (sections.size() >= SdpText.MAX_MEDIA_SECTIONS) {
            throw new SdpParseException("more than " + SdpText.MAX_MEDIA_SECTIONS + " media sections");
        }
    }

    private static Section section(Optional<MediaLine> mediaLine, Optional<String> mid, TransportAttributes t) {
        return new Section(mediaLine, mid, t.iceUfrag, t.icePwd, t.candidates, t.endOfCandidates);
    }

    private static MediaLine parseMediaLine(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.size() < 3) {
            throw new SdpParseException("m= needs '<media> <port> <proto> <fmt> ...'");
        }
        String port = t.get(1);
        int slash = port.indexOf('/');
        return new MediaLine(t.get(0), SdpText.parseInt(slash < 0 ? port : port.substring(0, slash), 0, 65535,
                "m= port"), t.get(2), t.subList(3, t.size()));
    }

    /** The ice-ufrag of the fragment: session level, else the first section's. */
    public Optional<String> effectiveIceUfrag() {
        return iceUfrag.or(() -> sections.stream().flatMap(s -> s.iceUfrag().stream()).findFirst());
    }

    /** The ice-pwd of the fragment: session level, else the first section's. */
    public Optional<String> effectiveIcePwd() {
        return icePwd.or(() -> sections.stream().flatMap(s -> s.icePwd().stream()).findFirst());
    }

    /** Every candidate of the fragment, session-level ones first, then by section. */
    public List<IceCandidate> allCandidates() {
        List<IceCandidate> out = new ArrayList<>(candidates);
        sections.forEach(s -> out.addAll(s.candidates()));
        return out;
    }

    /** True when the fragment (or any section) says {@code a=end-of-candidates}. */
    public boolean anyEndOfCandidates() {
        return endOfCandidates || sections.stream().anyMatch(Section::endOfCandidates);
    }

    /**
     * RFC 9725 §4.3.2 / RFC 8839 §4.4.1.1.1: an ICE restart is signalled by an ice-ufrag or ice-pwd that
     * differs from the current remote ones. A fragment without credentials only trickles candidates.
     */
    public boolean isIceRestart(String currentRemoteUfrag, String currentRemotePwd) {
        Optional<String> u = effectiveIceUfrag();
        Optional<String> p = effectiveIcePwd();
        return (u.isPresent() && !u.get().equals(currentRemoteUfrag))
                || (p.isPresent() && !p.get().equals(currentRemotePwd));
    }

    /** Writes the fragment with CRLF line ends, session-level lines first. */
    public String write() {
        StringBuilder sb = new StringBuilder(512);
        if (iceLite) {
            line(sb, "a=ice-lite");
        }
        if (!iceOptions.isEmpty()) {
            line(sb, "a=ice-options:" + String.join(" ", iceOptions));
        }
        for (Group g : groups) {
            line(sb, "a=group:" + g.semantics() + (g.mids().isEmpty() ? "" : " " + String.join(" ", g.mids())));
        }
        iceUfrag.ifPresent(u -> line(sb, "a=ice-ufrag:" + u));
        icePwd.ifPresent(p -> line(sb, "a=ice-pwd:" + p));
        candidates.forEach(c -> line(sb, c.attributeLine()));
        if (endOfCandidates) {
            line(sb, "a=end-of-candidates");
        }
        for (Section s : sections) {
            s.mediaLine().ifPresent(m -> line(sb, m.write()));
            s.mid().ifPresent(m -> line(sb, "a=mid:" + m));
            s.iceUfrag().ifPresent(u -> line(sb, "a=ice-ufrag:" + u));
            s.icePwd().ifPresent(p -> line(sb, "a=ice-pwd:" + p));
            s.candidates().forEach(c -> line(sb, c.attributeLine()));
            if (s.endOfCandidates()) {
                line(sb, "a=end-of-candidates");
            }
        }
        return sb.toString();
    }

    /**
     * The server's answer fragment to an ICE restart (RFC 9725 §4.3.2 example): {@code a=ice-lite}, the
     * new ice-ufrag and ice-pwd, then the first accepted media section's m= line and mid with all new
     * candidates and {@code a=end-of-candidates}.
     */
    public static TrickleFragment iceRestartAnswer(NegotiatedSession session, LocalTransport newLocal) {
        Optional<String> mid;
        MediaLine mline;
        boolean videoFirst = session.video().isPresent() && (session.audio().isEmpty()
                || tagIsVideo(session));
        if (videoFirst) {
            NegotiatedVideo v = session.video().get();
            List<String> pts = new ArrayList<>(List.of(String.valueOf(v.payloadType())));
            if (v.hasRtx()) {
                pts.add(String.valueOf(v.rtxPayloadType()));
            }
            mid = v.mid();
            mline = new MediaLine("video", 9, v.proto(), pts);
        } else {
            NegotiatedAudio a = session.audio().orElseThrow();
            mid = a.mid();
            mline = new MediaLine("audio", 9, a.proto(), List.of(String.valueOf(a.payloadType())));
        }
        Section section = new Section(Optional.of(mline), mid, Optional.empty(), Optional.empty(),
                AnswerWriter.udpFirst(newLocal.candidates()), true);
        return new TrickleFragment(newLocal.iceLite(), Optional.of(newLocal.iceUfrag()),
                Optional.of(newLocal.icePwd()), List.of(), List.of(), List.of(), false, List.of(section));
    }

    /** Whether the answerer BUNDLE tag (first mid of our group, else the earlier section) is the video. */
    private static boolean tagIsVideo(NegotiatedSession session) {
        NegotiatedVideo v = session.video().orElseThrow();
        NegotiatedAudio a = session.audio().orElseThrow();
        if (!session.bundleMids().isEmpty()) {
            return v.mid().filter(session.bundleMids().get(0)::equals).isPresent();
        }
        return v.sectionIndex() < a.sectionIndex();
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append("\r\n");
    }
}
