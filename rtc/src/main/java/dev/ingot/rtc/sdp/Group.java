package dev.ingot.rtc.sdp;

import java.util.List;

/** {@code a=group:<semantics> <mid>...} (RFC 5888 §5); BUNDLE groups follow RFC 9143. */
public record Group(String semantics, List<String> mids) {
    public Group {
        mids = List.copyOf(mids);
    }

    static Group parse(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.isEmpty()) {
            throw new SdpParseException("a=group needs semantics");
        }
        return new Group(t.get(0), t.subList(1, t.size()));
    }

    public boolean isBundle() {
        return semantics.equalsIgnoreCase("BUNDLE");
    }
}
