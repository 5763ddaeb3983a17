package dev.ingot.rtc.sdp;

import java.util.List;
import java.util.Locale;

/**
 * {@code a=rtcp-fb:<pt|*> <type> [<parameter>]} (RFC 4585 §4.2). {@code payloadType} is -1 for the
 * wildcard {@code *}. Type and parameter are lower-cased; {@link #value()} gives e.g. {@code "nack pli"}.
 */
public record RtcpFeedback(int payloadType, String type, String parameter) {
    public static final int ANY_PAYLOAD_TYPE = -1;

    public RtcpFeedback {
        type = type.toLowerCase(Locale.ROOT);
        parameter = parameter.toLowerCase(Locale.ROOT);
    }

    static RtcpFeedback parse(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.size() < 2) {
            throw new SdpParseException("a=rtcp-fb needs '<pt> <type>'");
        }
        int pt = t.get(0).equals("*") ? ANY_PAYLOAD_TYPE : SdpText.parseInt(t.get(0), 0, 127, "rtcp-fb payload type");
        String param = String.join(" ", t.subList(2, t.size()));
        return new RtcpFeedback(pt, t.get(1), param);
    }

    /** {@code "nack"}, {@code "nack pli"}, {@code "ccm fir"}, {@code "goog-remb"}, {@code "transport-cc"}. */
    public String value() {
        return parameter.isEmpty() ? type : type + " " + parameter;
    }

    public boolean appliesTo(int pt) {
        return payloadType == ANY_PAYLOAD_TYPE || payloadType == pt;
    }
}
