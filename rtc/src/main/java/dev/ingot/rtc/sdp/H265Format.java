package dev.ingot.rtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The H.265 fmtp parameters Ingot reads (RFC 7798 §7.1): {@code profile-id} (1, Main, when absent),
 * {@code tier-flag} (0), {@code level-id} (93, level 3.1), the parameter sets {@code sprop-vps},
 * {@code sprop-sps}, {@code sprop-pps} (base64 NAL units, comma-separated), and whether the payloads carry
 * DONL fields ({@code sprop-max-don-diff} or {@code sprop-depack-buf-nalus} greater than 0, §4.4).
 */
public record H265Format(int profileId, int tierFlag, int levelId, int maxDonDiff, int depackBufNalus) {
    /** Main. */
    public static final int PROFILE_MAIN = 1;
    /** Main 10. */
    public static final int PROFILE_MAIN_10 = 2;
    private static final List<String> PARAMETER_SETS = List.of("sprop-vps", "sprop-sps", "sprop-pps");

    public static H265Format of(Fmtp fmtp) {
        return new H265Format(
                intParameter(fmtp, "profile-id", 0, 31, PROFILE_MAIN),
                intParameter(fmtp, "tier-flag", 0, 1, 0),
                intParameter(fmtp, "level-id", 0, 255, 93),
                intParameter(fmtp, "sprop-max-don-diff", 0, 32767, 0),
                intParameter(fmtp, "sprop-depack-buf-nalus", 0, 32767, 0));
    }

    private static int intParameter(Fmtp fmtp, String key, int min, int max, int absent) {
        return fmtp.parameter(key).map(s -> SdpText.tryParseInt(s.strip(), min, max)).orElse(absent);
    }

    /** Main and Main 10: the profiles real publishers send and FFmpeg's hevc decoder takes. */
    public boolean supportedProfile() {
        return profileId == PROFILE_MAIN || profileId == PROFILE_MAIN_10;
    }

    /** RFC 7798 §4.4.1: every single NAL unit packet, AP and FU carries a DONL field when this is true. */
    public boolean donlPresent() {
        return maxDonDiff > 0 || depackBufNalus > 0;
    }

    /**
     * The answer's fmtp for a receive-only section: the offered parameters without the {@code sprop-*} ones,
     * which describe the offerer's own stream (RFC 7798 §7.2.2) and say nothing about what the answerer sends.
     */
    public static Fmtp answerFmtp(Fmtp offered) {
        StringJoiner kept = new StringJoiner(";");
        for (String part : offered.parameters().split(";")) {
            String p = part.strip();
            if (!p.isEmpty() && !p.toLowerCase(Locale.ROOT).startsWith("sprop-")) {
                kept.add(p);
            }
        }
        return Fmtp.of(offered.payloadType(), kept.toString());
    }

    /**
     * The parameter sets of an fmtp line, VPS first, then SPS and PPS, decoded from base64; values that are
     * not base64 are skipped.
     */
    public static List<byte[]> parameterSets(Map<String, String> fmtpParameters) {
        List<byte[]> nals = new ArrayList<>();
        for (String key : PARAMETER_SETS) {
            for (Map.Entry<String, String> e : fmtpParameters.entrySet()) {
                if (e.getKey().equalsIgnoreCase(key)) {
                    nals.addAll(Fmtp.base64List(e.getValue()));
                }
            }
        }
        return nals;
    }
}
