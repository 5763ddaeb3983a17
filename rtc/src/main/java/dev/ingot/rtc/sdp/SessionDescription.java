package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed SDP session description (RFC 8866) as WebRTC offers it (JSEP, RFC 8829): session-level
 * attributes, the ICE/DTLS ones parsed, and the media sections in order. {@link #parse} accepts CRLF,
 * LF or CR line ends, blank lines, extra spaces, unknown line types and attributes, and upper-case
 * encoding names; it rejects text without {@code v=0} first or without any {@code m=} line, malformed
 * known attributes, and oversized input.
 */
public record SessionDescription(
        Optional<String> origin,
        Optional<String> sessionName,
        Optional<String> connection,
        List<Attribute> attributes,
        Optional<String> iceUfrag,
        Optional<String> icePwd,
        List<String> iceOptions,
        boolean iceLite,
        List<Fingerprint> fingerprints,
        Optional<Setup> setup,
        List<Group> groups,
        Optional<String> msidSemantic,
        List<MediaDescription> media) {

    public SessionDescription {
        attributes = List.copyOf(attributes);
        iceOptions = List.copyOf(iceOptions);
        fingerprints = List.copyOf(fingerprints);
        groups = List.copyOf(groups);
        media = List.copyOf(media);
    }

    /**
     * Parses an SDP offer or answer.
     *
     * @throws SdpParseException on anything that is not a usable session description; never any other
     *     exception
     */
    public static SessionDescription parse(String sdp) throws SdpParseException {
        List<SdpText.Line> lines = SdpText.lines(sdp);
        if (lines.isEmpty()) {
            throw new SdpParseException("empty SDP");
        }
        SdpText.Line first = lines.get(0);
        if (first.type() != 'v' || !first.value().equals("0")) {
            throw new SdpParseException("SDP must start with v=0");
        }
        Optional<String> origin = Optional.empty();
        Optional<String> sessionName = Optional.empty();
        Optional<String> connection = Optional.empty();
        List<Attribute> attributes = new ArrayList<>();
        TransportAttributes transport = new TransportAttributes();
        List<Group> groups = new ArrayList<>();
        Optional<String> msidSemantic = Optional.empty();
        Direction sessionDirection = Direction.SENDRECV;

        int i = 1;
        for (; i < lines.size() && lines.get(i).type() != 'm'; i++) {
            SdpText.Line line = lines.get(i);
            switch (line.type()) {
                case 'v' -> throw new SdpParseException("line " + line.number() + ": second v= line");
                case 'o' -> origin = origin.or(() -> Optional.of(line.value()));
                case 's' -> sessionName = sessionName.or(() -> Optional.of(line.value()));
                case 'c' -> connection = connection.or(() -> Optional.of(line.value()));
                case 'a' -> {
                    try {
                        Attribute a = Attribute.parse(line.value());
                        attributes.add(a);
                        if (transport.accept(a)) {
                            break;
                        }
                        Optional<Direction> dir =
                                a.value().isEmpty() ? Direction.ofAttribute(a.name()) : Optional.empty();
                        if (dir.isPresent()) {
                            sessionDirection = dir.get();
                        } else if (a.name().equals("group")) {
                            groups.add(Group.parse(TransportAttributes.requireValue(a)));
                        } else if (a.name().equals("msid-semantic") && msidSemantic.isEmpty()) {
                            msidSemantic = Optional.of(a.valueOrEmpty());
                        }
                    } catch (SdpParseException e) {
                        throw new SdpParseException("line " + line.number() + ": " + e.getMessage());
                    }
                }
                default -> { } // t=, b=, i=, u=, e=, p=, z=, k=, r= and unknown types: not needed here
            }
        }
        if (i == lines.size()) {
            throw new SdpParseException("SDP has no m= section");
        }

        List<MediaDescription> media = new ArrayList<>();
        while (i < lines.size()) {
            SdpText.Line mLine = lines.get(i++);
            if (media.size() >= SdpText.MAX_MEDIA_SECTIONS) {
                throw new SdpParseException("more than " + SdpText.MAX_MEDIA_SECTIONS + " media sections");
            }
            Optional<String> mediaConnection = Optional.empty();
            List<SdpText.Line> attrLines = new ArrayList<>();
            for (; i < lines.size() && lines.get(i).type() != 'm'; i++) {
                SdpText.Line line = lines.get(i);
                switch (line.type()) {
                    case 'a' -> attrLines.add(line);
                    case 'c' -> mediaConnection = mediaConnection.or(() -> Optional.of(line.value()));
                    case 'v' -> throw new SdpParseException("line " + line.number() + ": v= inside a media section");
                    default -> { }
                }
            }
            try {
                media.add(MediaDescription.build(mLine.value(), mediaConnection, attrLines,
                        sessionDirection));
            } catch (SdpParseException e) {
                String msg = e.getMessage();
                throw new SdpParseException(msg.startsWith("line ") ? msg : "line " + mLine.number() + ": " + msg);
            }
        }
        Set<String> mids = new HashSet<>();
        for (MediaDescription m : media) {
            if (m.mid().isPresent() && !mids.add(m.mid().get())) {
                throw new SdpParseException("duplicate a=mid:" + SdpText.clip(m.mid().get()) + " (RFC 5888 §4)");
            }
        }
        return new SessionDescription(origin, sessionName, connection, attributes, transport.iceUfrag,
                transport.icePwd, transport.iceOptions, transport.iceLite, transport.fingerprints, transport.setup,
                groups, msidSemantic, media);
    }

    /** The BUNDLE groups (RFC 9143), in order. */
    public List<Group> bundleGroups() {
        return groups.stream().filter(Group::isBundle).toList();
    }

    /** The BUNDLE group that lists this mid, if any. */
    public Optional<Group> bundleGroupOf(String mid) {
        return bundleGroups().stream().filter(g -> g.mids().contains(mid)).findFirst();
    }

    /** The media section with this mid. */
    public Optional<MediaDescription> mediaWithMid(String mid) {
        return media.stream().filter(m -> m.mid().filter(mid::equals).isPresent()).findFirst();
    }

    /** Media-level ice-ufrag, else session-level (RFC 8839 §5.4). */
    public Optional<String> iceUfragFor(MediaDescription m) {
        return m.iceUfrag().or(() -> iceUfrag);
    }

    public Optional<String> icePwdFor(MediaDescription m) {
        return m.icePwd().or(() -> icePwd);
    }

    /** Media-level fingerprints if any, else session-level ones (RFC 8122 §5). */
    public List<Fingerprint> fingerprintsFor(MediaDescription m) {
        return m.fingerprints().isEmpty() ? fingerprints : m.fingerprints();
    }

    public Optional<Setup> setupFor(MediaDescription m) {
        return m.setup().or(() -> setup);
    }

    /** The first value of the named session-level attribute. */
    public Optional<String> attribute(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return attributes.stream().filter(a -> a.name().equals(n)).map(Attribute::valueOrEmpty).findFirst();
    }
}
