package dev.ingot.rtc.sdp;

import java.util.Locale;
import java.util.Optional;

/**
 * One {@code a=} line as written (RFC 8866 §5.13): a property attribute ({@code a=rtcp-mux}) has no
 * value, a value attribute ({@code a=mid:0}) has one. Unknown attributes are kept in this raw form.
 */
public record Attribute(String name, Optional<String> value) {
    public Attribute {
        name = name.toLowerCase(Locale.ROOT);
    }

    static Attribute parse(String text) throws SdpParseException {
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).strip();
        if (name.isEmpty() || !SdpText.isVisibleToken(name)) {
            throw new SdpParseException("invalid attribute name '" + SdpText.clip(name) + "'");
        }
        Optional<String> value = colon < 0 ? Optional.empty() : Optional.of(text.substring(colon + 1).strip());
        return new Attribute(name, value);
    }

    /** The value, or the empty string for a property attribute. */
    public String valueOrEmpty() {
        return value.orElse("");
    }
}
