package dev.ingot.rtc.dtls;

/**
 * The SRTP protection profile ids that the DTLS {@code use_srtp} extension can negotiate here
 * (RFC 5764 §4.1.2, RFC 7714 §14.2), and the length of the keying material each one needs.
 */
public final class SrtpProfileIds {
    /** SRTP_AES128_CM_HMAC_SHA1_80: 16-byte key, 14-byte salt, 80-bit auth tag (RFC 5764 §4.1.2). */
    public static final int AES128_CM_HMAC_SHA1_80 = 0x0001;
    /** SRTP_AES128_CM_HMAC_SHA1_32: 16-byte key, 14-byte salt, 32-bit auth tag (RFC 5764 §4.1.2). */
    public static final int AES128_CM_HMAC_SHA1_32 = 0x0002;
    /** SRTP_AEAD_AES_128_GCM: 16-byte key, 12-byte salt (RFC 7714 §14.2). */
    public static final int AEAD_AES_128_GCM = 0x0007;

    private SrtpProfileIds() {
    }

    /** Whether {@code profileId} is one of the profiles this package negotiates. */
    public static boolean isSupported(int profileId) {
        return profileId == AES128_CM_HMAC_SHA1_80
                || profileId == AES128_CM_HMAC_SHA1_32
                || profileId == AEAD_AES_128_GCM;
    }

    /** Master key length in bytes for {@code profileId}. */
    public static int masterKeyLength(int profileId) {
        requireSupported(profileId);
        return 16;
    }

    /** Master salt length in bytes for {@code profileId}. */
    public static int masterSaltLength(int profileId) {
        requireSupported(profileId);
        return profileId == AEAD_AES_128_GCM ? 12 : 14;
    }

    /**
     * Bytes to export with the {@code EXTRACTOR-dtls_srtp} label: {@code 2 * (key + salt)}
     * (RFC 5764 §4.2), i.e. 60 for the AES-CM profiles and 56 for AEAD_AES_128_GCM.
     */
    public static int keyingMaterialLength(int profileId) {
        return 2 * (masterKeyLength(profileId) + masterSaltLength(profileId));
    }

    /** A readable name for logs, e.g. {@code "AEAD_AES_128_GCM"}. */
    public static String name(int profileId) {
        return switch (profileId) {
            case AES128_CM_HMAC_SHA1_80 -> "AES128_CM_HMAC_SHA1_80";
            case AES128_CM_HMAC_SHA1_32 -> "AES128_CM_HMAC_SHA1_32";
            case AEAD_AES_128_GCM -> "AEAD_AES_128_GCM";
            default -> String.format("0x%04X", profileId);
        };
    }

    private static void requireSupported(int profileId) {
        if (!isSupported(profileId)) {
            throw new IllegalArgumentException("unsupported SRTP protection profile " + name(profileId));
        }
    }
}
