package dev.ingot.rtc.srtp;

/**
 * A DTLS-SRTP protection profile (RFC 5764 §4.1.2, RFC 7714 §14.2) with the SRTP transform parameters it fixes:
 * master key and salt lengths and the authentication tag lengths for SRTP and SRTCP.
 */
public enum SrtpProfile {
    /** AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 5764 §4.1.2). */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10, 10),
    /** AES-128 counter mode with a 32-bit HMAC-SHA1 tag on SRTP and an 80-bit one on SRTCP (RFC 5764 §4.1.2). */
    AES128_CM_HMAC_SHA1_32(0x0002, 16, 14, 4, 10),
    /** AES-128 in Galois/Counter Mode with a 128-bit tag (RFC 7714 §14.2). */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16, 16);

    private final int id;
    private final int masterKeyLength;
    private final int masterSaltLength;
    private final int rtpAuthTagLength;
    private final int rtcpAuthTagLength;

    SrtpProfile(int id, int masterKeyLength, int masterSaltLength, int rtpAuthTagLength, int rtcpAuthTagLength) {
        this.id = id;
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
        this.rtpAuthTagLength = rtpAuthTagLength;
        this.rtcpAuthTagLength = rtcpAuthTagLength;
    }

    /**
     * The profile with this DTLS-SRTP protection profile id.
     *
     * @throws IllegalArgumentException if the id is not one of the supported profiles
     */
    public static SrtpProfile fromId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        throw new IllegalArgumentException("unsupported SRTP protection profile 0x" + Integer.toHexString(id));
    }

    /** Whether a profile with this id is supported. */
    public static boolean isSupported(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return true;
            }
        }
        return false;
    }

    /** The two-byte DTLS-SRTP protection profile id. */
    public int id() {
        return id;
    }

    /** Master (and session) encryption key length in bytes. */
    public int masterKeyLength() {
        return masterKeyLength;
    }

    /** Master (and session) salt length in bytes: 14 for AES-CM, 12 for AES-GCM. */
    public int masterSaltLength() {
        return masterSaltLength;
    }

    /** Bytes appended to an RTP packet by protection: the SRTP authentication tag. */
    public int rtpAuthTagLength() {
        return rtpAuthTagLength;
    }

    /** Length in bytes of the SRTCP authentication tag. */
    public int rtcpAuthTagLength() {
        return rtcpAuthTagLength;
    }

    /** Bytes appended to an RTCP packet by protection: the E flag with the SRTCP index (4) plus the tag. */
    public int rtcpProtectionOverhead() {
        return 4 + rtcpAuthTagLength;
    }

    /** Whether this is an AEAD (AES-GCM) profile rather than AES-CM with HMAC-SHA1. */
    public boolean isAead() {
        return this == AEAD_AES_128_GCM;
    }

    /** Length of the keying material to export from DTLS (RFC 5764 §4.2): 2 * (key + salt). */
    public int keyingMaterialLength() {
        return 2 * (masterKeyLength + masterSaltLength);
    }
}
