package dev.ingot.rtc.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An ICE candidate as in {@code a=candidate} (RFC 8839 §5.1), with the RFC 6544 {@code tcptype} for
 * ICE-TCP. {@code transport} and {@code type} are lower-cased; other extension pairs (generation,
 * ufrag, network-id, ...) are kept in order in {@code extensions}.
 */
public record IceCandidate(
        String foundation,
        int component,
        String transport,
        long priority,
        String address,
        int port,
        String type,
        Optional<String> relatedAddress,
        OptionalInt relatedPort,
        Optional<String> tcpType,
        Map<String, String> extensions) {

    private static final int MAX_FOUNDATION = 64;

    public IceCandidate {
        transport = transport.toLowerCase(Locale.ROOT);
        type = type.toLowerCase(Locale.ROOT);
        tcpType = tcpType.map(s -> s.toLowerCase(Locale.ROOT));
        extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        requireToken(foundation, "foundation");
        requireToken(transport, "transport");
        requireToken(address, "address");
        requireToken(type, "type");
        relatedAddress.ifPresent(a -> requireToken(a, "related address"));
        tcpType.ifPresent(a -> requireToken(a, "tcptype"));
        extensions.forEach((k, v) -> {
            requireToken(k, "extension name");
            requireToken(v, "extension value");
        });
        if (component < 1 || component > 256 || port < 0 || port > 65535 || priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("candidate component, port or priority out of range");
        }
    }

    /** A host candidate for component 1 (RTP, rtcp-mux); TCP candidates get {@code tcptype passive} (RFC 6544). */
    public static IceCandidate host(String foundation, String transport, long priority, String address, int port) {
        boolean tcp = transport.equalsIgnoreCase("tcp");
        return new IceCandidate(foundation, 1, transport, priority, address, port, "host",
                Optional.empty(), OptionalInt.empty(), tcp ? Optional.of("passive") : Optional.empty(), Map.of());
    }

    /** Parses the attribute value after {@code candidate:}. */
    public static IceCandidate parse(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.size() < 8 || !t.get(6).equalsIgnoreCase("typ")) {
            throw new SdpParseException("a=candidate needs '<foundation> <component> <transport> <priority> <address> <port> typ <type>'");
        }
        String foundation = t.get(0);
        if (foundation.length() > MAX_FOUNDATION || !SdpText.isVisibleToken(foundation)) {
            throw new SdpParseException("invalid candidate foundation");
        }
        int component = SdpText.parseInt(t.get(1), 1, 256, "candidate component");
        long priority = SdpText.parseLong(t.get(3), 0, 0xFFFF_FFFFL, "candidate priority");
        int port = SdpText.parseInt(t.get(5), 0, 65535, "candidate port");
        Optional<String> raddr = Optional.empty();
        OptionalInt rport = OptionalInt.empty();
        Optional<String> tcpType = Optional.empty();
        Map<String, String> ext = new LinkedHashMap<>();
        for (int i = 8; i + 1 < t.size(); i += 2) {
            String k = t.get(i);
            String v = t.get(i + 1);
            switch (k.toLowerCase(Locale.ROOT)) {
                case "raddr" -> raddr = Optional.of(v);
                case "rport" -> rport = OptionalInt.of(SdpText.parseInt(v, 0, 65535, "candidate rport"));
                case "tcptype" -> tcpType = Optional.of(v);
                default -> ext.putIfAbsent(k, v);
            }
        }
        try {
            return new IceCandidate(foundation, component, t.get(2), priority, t.get(4), port, t.get(7),
                    raddr, rport, tcpType, ext);
        } catch (IllegalArgumentException e) {
            throw new SdpParseException(e.getMessage());
        }
    }

    public boolean isUdp() {
        return transport.equals("udp");
    }

    public boolean isTcp() {
        return transport.equals("tcp");
    }

    /** The attribute value, without the {@code candidate:} prefix. */
    public String sdpValue() {
        StringBuilder sb = new StringBuilder(96);
        sb.append(foundation).append(' ').append(component).append(' ').append(transport).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port).append(" typ ").append(type);
        relatedAddress.ifPresent(a -> sb.append(" raddr ").append(a));
        relatedPort.ifPresent(p -> sb.append(" rport ").append(p));
        tcpType.ifPresent(tt -> sb.append(" tcptype ").append(tt));
        extensions.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
        return sb.toString();
    }

    /** The full line {@code a=candidate:...}, without line terminator. */
    public String attributeLine() {
        return "a=candidate:" + sdpValue();
    }

    private static void requireToken(String s, String what) {
        if (!SdpText.isVisibleToken(s)) {
            throw new IllegalArgumentException("invalid candidate " + what + ": '" + SdpText.clip(s) + "'");
        }
    }
}
