package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=ssrc-group:<semantics> <ssrc>...} (RFC 5576 §4.2): {@code FID} pairs a primary SSRC with
 * its RTX repair SSRC (RFC 4588), {@code SIM} lists simulcast layers, {@code FEC-FR} FEC streams.
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {
    public SsrcGroup {
        ssrcs = List.copyOf(ssrcs);
    }

    static SsrcGroup parse(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.size() < 2) {
            throw new SdpParseException("a=ssrc-group needs '<semantics> <ssrc>...'");
        }
        List<Long> ssrcs = new ArrayList<>(t.size() - 1);
        for (String s : t.subList(1, t.size())) {
            ssrcs.add(SsrcDescription.parseSsrc(s));
        }
        return new SsrcGroup(t.get(0), ssrcs);
    }

    public boolean is(String name) {
        return semantics.equalsIgnoreCase(name);
    }
}
