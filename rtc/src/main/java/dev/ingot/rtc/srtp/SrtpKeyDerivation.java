package dev.ingot.rtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3) and a key derivation rate of zero,
 * as DTLS-SRTP requires (RFC 5764 §4.1.2). AES-GCM profiles use the same function (RFC 7714 §11); their 12-byte master
 * salt is padded on the right with zeros to the 14 bytes the PRF input expects.
 */
final class SrtpKeyDerivation {

    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTH = 0x01;
    static final int LABEL_RTP_SALT = 0x02;
    static final int LABEL_RTCP_ENCRYPTION = 0x03;
    static final int LABEL_RTCP_AUTH = 0x04;
    static final int LABEL_RTCP_SALT = 0x05;

    /** HMAC-SHA1 session authentication key length (RFC 3711 §8.2: n_a = 160 bits). */
    static final int HMAC_SHA1_KEY_LENGTH = 20;

    private SrtpKeyDerivation() {
    }

    /** Derives all session keys of a profile from its master key. */
    static SrtpSessionKeys deriveSessionKeys(SrtpProfile profile, SrtpMasterKey master) {
        byte[] key = master.key();
        byte[] salt = master.salt();
        int kl = profile.masterKeyLength();
        int sl = profile.masterSaltLength();
        int al = profile.isAead() ? 0 : HMAC_SHA1_KEY_LENGTH;
        return new SrtpSessionKeys(
                derive(key, salt, LABEL_RTP_ENCRYPTION, kl),
                derive(key, salt, LABEL_RTP_AUTH, al),
                derive(key, salt, LABEL_RTP_SALT, sl),
                derive(key, salt, LABEL_RTCP_ENCRYPTION, kl),
                derive(key, salt, LABEL_RTCP_AUTH, al),
                derive(key, salt, LABEL_RTCP_SALT, sl));
    }

    /**
     * {@code PRF_n(k_master, (label || 0^48) XOR master_salt)}: the first {@code length} bytes of the AES-CM keystream
     * whose IV is the 14-byte PRF input times 2^16.
     */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > 14) {
            throw new IllegalArgumentException("master salt longer than 14 bytes");
        }
        byte[] out = new byte[length];
        if (length == 0) {
            return out;
        }
        byte[] block = new byte[16];
        System.arraycopy(masterSalt, 0, block, 0, masterSalt.length);
        // key_id = label || (index DIV kdr) is 7 bytes, aligned with the low end of the 14-byte salt: byte 7.
        block[7] ^= (byte) label;
        int blocks = (length + 15) >>> 4;
        byte[] input = new byte[blocks * 16];
        for (int i = 0; i < blocks; i++) {
            System.arraycopy(block, 0, input, i * 16, 14);
            input[i * 16 + 14] = (byte) (i >>> 8);
            input[i * 16 + 15] = (byte) i;
        }
        try {
            Cipher ecb = JceAlgorithms.cipher("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] stream = ecb.doFinal(input);
            System.arraycopy(stream, 0, out, 0, length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key derivation failed", e);
        }
    }
}
