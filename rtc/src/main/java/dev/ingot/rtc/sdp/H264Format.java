package dev.ingot.rtc.sdp;

import java.util.Locale;
import java.util.Optional;

/**
 * The H.264 fmtp parameters that decide whether Ingot can receive a payload type (RFC 6184 §8.1):
 * {@code profile-level-id} (lower-case hex, {@code 42000a} when absent), its profile if one Ingot
 * accepts, and {@code packetization-mode} (0 when absent).
 */
public record H264Format(String profileLevelId, Optional<H264Profile> profile, int packetizationMode) {
    /** RFC 6184 §8.1: absent profile-level-id means Baseline, level 1.0. */
    public static final String DEFAULT_PROFILE_LEVEL_ID = "42000a";

    public static H264Format of(Fmtp fmtp) {
        String plid = fmtp.lowerParameter("profile-level-id").orElse(DEFAULT_PROFILE_LEVEL_ID);
        int mode = fmtp.parameter("packetization-mode").map(s -> SdpText.tryParseInt(s.strip(), 0, 9)).orElse(0);
        return new H264Format(plid, classify(plid), mode);
    }

    /** Classifies a 6-hex-digit profile-level-id; empty for malformed ids and profiles Ingot does not take. */
    public static Optional<H264Profile> classify(String profileLevelId) {
        String p = profileLevelId.toLowerCase(Locale.ROOT);
        if (p.length() != 6) {
            return Optional.empty();
        }
        for (int i = 0; i < 6; i++) {
            if (SdpText.hexValue(p.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        int profileIdc = Integer.parseInt(p.substring(0, 2), 16);
        int iop = Integer.parseInt(p.substring(2, 4), 16);
        return switch (profileIdc) {
            case 0x42 -> Optional.of((iop & 0x40) != 0 ? H264Profile.CONSTRAINED_BASELINE : H264Profile.BASELINE);
            case 0x4d -> Optional.of(H264Profile.MAIN);
            case 0x64 -> Optional.of(H264Profile.HIGH);
            default -> Optional.empty();
        };
    }

    /** Packetization modes 0 (single NAL) and 1 (non-interleaved) are supported; 2 (interleaved) is not. */
    public boolean supportedPacketization() {
        return packetizationMode == 0 || packetizationMode == 1;
    }
}
