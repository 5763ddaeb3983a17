package dev.ingot.rtc.sdp;

/**
 * The AV1 fmtp parameters (AOM "RTP Payload Format for AV1" §7.2): {@code profile} (0, Main, when absent),
 * {@code level-idx} (5, level 3.1) and {@code tier} (0).
 */
public record Av1Format(int profile, int levelIdx, int tier) {
    public static Av1Format of(Fmtp fmtp) {
        return new Av1Format(
                fmtp.parameter("profile").map(s -> SdpText.tryParseInt(s.strip(), 0, 7)).orElse(0),
                fmtp.parameter("level-idx").map(s -> SdpText.tryParseInt(s.strip(), 0, 31)).orElse(5),
                fmtp.parameter("tier").map(s -> SdpText.tryParseInt(s.strip(), 0, 1)).orElse(0));
    }

    /** Main (0), High (1) and Professional (2): every profile libaom decodes. */
    public boolean supportedProfile() {
        return profile >= 0 && profile <= 2;
    }
}
