package dev.ingot.rtc.sdp;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code a=fmtp:<pt> <parameters>} (RFC 8866 §6.15): the raw parameter text and, for the common
 * {@code key=value;key=value} form, a map with case-insensitive keys. Parameters without '=' (RED's
 * {@code 111/111}) appear only in the raw text.
 */
public record Fmtp(int payloadType, String parameters, Map<String, String> parameterMap) {
    public Fmtp {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(parameterMap);
        parameterMap = Collections.unmodifiableMap(copy);
    }

    static Fmtp parse(String value) throws SdpParseException {
        String v = value.strip();
        int sp = 0;
        while (sp < v.length() && !SdpText.isSpace(v.charAt(sp))) {
            sp++;
        }
        int pt = SdpText.parseInt(v.substring(0, sp), 0, 127, "fmtp payload type");
        return of(pt, v.substring(sp).strip());
    }

    /** Builds the record from a raw parameter string. */
    public static Fmtp of(int payloadType, String parameters) {
        TreeMap<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : parameters.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                String key = part.substring(0, eq).strip();
                if (!key.isEmpty()) {
                    map.putIfAbsent(key, part.substring(eq + 1).strip());
                }
            }
        }
        return new Fmtp(payloadType, parameters, map);
    }

    public static Fmtp empty(int payloadType) {
        return new Fmtp(payloadType, "", Map.of());
    }

    public Optional<String> parameter(String key) {
        return Optional.ofNullable(parameterMap.get(key));
    }

    /** The parameter as a lower-case string (for comparisons of hex values such as profile-level-id). */
    Optional<String> lowerParameter(String key) {
        return parameter(key).map(s -> s.toLowerCase(Locale.ROOT));
    }

    /**
     * A comma-separated list of base64 NAL units (RFC 6184 {@code sprop-parameter-sets}, RFC 7798
     * {@code sprop-vps/sps/pps}), decoded; empty or malformed entries are skipped.
     */
    public static java.util.List<byte[]> base64List(String value) {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (String b64 : value.split(",")) {
            try {
                byte[] nal = java.util.Base64.getDecoder().decode(b64.strip());
                if (nal.length > 0) {
                    out.add(nal);
                }
            } catch (IllegalArgumentException notBase64) {
                // skipped, as documented
            }
        }
        return out;
    }

    /** RTX's associated payload type ({@code apt}, RFC 4588 §8.6), or -1. */
    public int apt() {
        return parameter("apt").map(s -> SdpText.tryParseInt(s, 0, 127)).orElse(-1);
    }
}
