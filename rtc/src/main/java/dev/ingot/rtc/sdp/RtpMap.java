package dev.ingot.rtc.sdp;

import java.util.List;

/**
 * {@code a=rtpmap:<pt> <encoding>/<clock>[/<channels>]} (RFC 8866 §6.6). The encoding name keeps the
 * offered spelling (GStreamer writes {@code OPUS}, {@code H264}); compare it with {@link #isEncoding}.
 * {@code channels} is 0 when absent.
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {

    static RtpMap parse(String value) throws SdpParseException {
        List<String> t = SdpText.tokens(value);
        if (t.size() != 2) {
            throw new SdpParseException("a=rtpmap needs '<pt> <encoding>/<clock rate>'");
        }
        int pt = SdpText.parseInt(t.get(0), 0, 127, "rtpmap payload type");
        String[] parts = t.get(1).split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
            throw new SdpParseException("invalid rtpmap encoding '" + SdpText.clip(t.get(1)) + "'");
        }
        int clock = SdpText.parseInt(parts[1], 1, Integer.MAX_VALUE, "rtpmap clock rate");
        int channels = parts.length == 3 ? SdpText.parseInt(parts[2], 1, 255, "rtpmap channels") : 0;
        return new RtpMap(pt, parts[0], clock, channels);
    }

    /** Case-insensitive encoding name comparison (RFC 4855 §3: media subtype names are case-insensitive). */
    public boolean isEncoding(String name) {
        return encodingName.equalsIgnoreCase(name);
    }

    /** The attribute value as written: {@code "96 H264/90000"}. */
    public String sdpValue() {
        return payloadType + " " + encodingName + "/" + clockRate + (channels > 0 ? "/" + channels : "");
    }
}
