package dev.ingot.rtc.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The source attributes declared for one SSRC by {@code a=ssrc:<ssrc> <attribute>[:<value>]} lines
 * (RFC 5576 §4.1), such as {@code cname} and {@code msid}.
 */
public record SsrcDescription(long ssrc, Map<String, String> attributes) {
    public SsrcDescription {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public Optional<String> cname() {
        return Optional.ofNullable(attributes.get("cname"));
    }

    public Optional<String> msid() {
        return Optional.ofNullable(attributes.get("msid"));
    }

    static long parseSsrc(String s) throws SdpParseException {
        return SdpText.parseLong(s, 0, 0xFFFF_FFFFL, "ssrc");
    }
}
