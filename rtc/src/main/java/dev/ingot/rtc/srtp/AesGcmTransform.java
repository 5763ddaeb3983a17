package dev.ingot.rtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): 12-byte IV from SSRC, index and salt (§8.1, §9.1), the RTP header
 * as associated data (§8.2), the first 8 RTCP bytes plus the E|SRTCP index word as associated data (§9.2), and a
 * 16-byte tag.
 *
 * <p>The JCE's GCM needs a fresh {@link GCMParameterSpec} per packet (the IV is in the spec, and a GCM cipher must be
 * re-initialised for every message); that spec and what the JDK allocates inside are the only per-packet garbage.
 * A forged packet costs one {@link AEADBadTagException}, which the JCE offers no way to avoid.
 */
final class AesGcmTransform implements SrtpTransform {

    static final int TAG_LENGTH = 16;

    private final Cipher rtpCipher;
    private final Cipher rtcpCipher;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;

    private final byte[] iv = new byte[12];
    private final byte[] word = new byte[4];

    AesGcmTransform(SrtpSessionKeys keys) {
        if (keys.rtpSalt().length != 12 || keys.rtcpSalt().length != 12) {
            throw new IllegalArgumentException("AES-GCM session salt must be 12 bytes");
        }
        this.rtpCipher = JceAlgorithms.cipher("AES/GCM/NoPadding");
        this.rtcpCipher = JceAlgorithms.cipher("AES/GCM/NoPadding");
        this.rtpKey = new SecretKeySpec(keys.rtpEncryptionKey(), "AES");
        this.rtcpKey = new SecretKeySpec(keys.rtcpEncryptionKey(), "AES");
        this.rtpSalt = keys.rtpSalt().clone();
        this.rtcpSalt = keys.rtcpSalt().clone();
        try {
            // Validate the keys now; decrypt mode so that no IV is "used" for encryption.
            rtpCipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv));
            rtcpCipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("bad SRTP session key", e);
        }
    }

    @Override
    public int protectRtp(byte[] buf, int off, int headerLength, int len, int ssrc, long index) {
        try {
            rtpCipher.init(Cipher.ENCRYPT_MODE, rtpKey, spec(rtpSalt, ssrc, index));
            rtpCipher.updateAAD(buf, off, headerLength);
            int n = rtpCipher.doFinal(buf, off + headerLength, len - headerLength, buf, off + headerLength);
            return headerLength + n;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int unprotectRtp(byte[] buf, int off, int headerLength, int len, int ssrc, long index) {
        try {
            rtpCipher.init(Cipher.DECRYPT_MODE, rtpKey, spec(rtpSalt, ssrc, index));
            rtpCipher.updateAAD(buf, off, headerLength);
            int n = rtpCipher.doFinal(buf, off + headerLength, len - headerLength, buf, off + headerLength);
            return headerLength + n;
        } catch (AEADBadTagException e) {
            return SrtpError.AUTH_FAILED.code();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex) {
        SrtpTransform.putInt(word, 0, 0x8000_0000 | srtcpIndex);
        try {
            rtcpCipher.init(Cipher.ENCRYPT_MODE, rtcpKey, spec(rtcpSalt, ssrc, srtcpIndex));
            rtcpCipher.updateAAD(buf, off, 8);
            rtcpCipher.updateAAD(word, 0, 4);
            int n = rtcpCipher.doFinal(buf, off + 8, len - 8, buf, off + 8);
            System.arraycopy(word, 0, buf, off + 8 + n, 4);
            return 8 + n + 4;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int rtcpIndexOffset(int len) {
        return len - 4;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex, boolean encrypted) {
        int indexOff = off + len - 4;
        try {
            rtcpCipher.init(Cipher.DECRYPT_MODE, rtcpKey, spec(rtcpSalt, ssrc, srtcpIndex));
            if (encrypted) {
                // AAD = first 8 bytes || E|index; ciphertext and tag lie between them (RFC 7714 §9.2, §17.1).
                rtcpCipher.updateAAD(buf, off, 8);
                rtcpCipher.updateAAD(buf, indexOff, 4);
                int n = rtcpCipher.doFinal(buf, off + 8, len - 12, buf, off + 8);
                return 8 + n;
            }
            // E = 0: the whole packet up to the tag is associated data, nothing is encrypted (RFC 7714 §9.2, §17.3).
            int tagOff = len - 4 - TAG_LENGTH;
            rtcpCipher.updateAAD(buf, off, tagOff);
            rtcpCipher.updateAAD(buf, indexOff, 4);
            rtcpCipher.doFinal(buf, off + tagOff, TAG_LENGTH, buf, off + tagOff);
            return tagOff;
        } catch (AEADBadTagException e) {
            return SrtpError.AUTH_FAILED.code();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * IV = (0x0000 || SSRC || 48-bit value) XOR salt, where the value is ROC || SEQ for SRTP (RFC 7714 §8.1), i.e. the
     * packet index, and 0x0000 || 0 || SRTCP index for SRTCP (§9.1).
     */
    private GCMParameterSpec spec(byte[] salt, int ssrc, long index48) {
        byte[] v = iv;
        v[0] = salt[0];
        v[1] = salt[1];
        v[2] = (byte) (salt[2] ^ (ssrc >>> 24));
        v[3] = (byte) (salt[3] ^ (ssrc >>> 16));
        v[4] = (byte) (salt[4] ^ (ssrc >>> 8));
        v[5] = (byte) (salt[5] ^ ssrc);
        v[6] = (byte) (salt[6] ^ (index48 >>> 40));
        v[7] = (byte) (salt[7] ^ (index48 >>> 32));
        v[8] = (byte) (salt[8] ^ (index48 >>> 24));
        v[9] = (byte) (salt[9] ^ (index48 >>> 16));
        v[10] = (byte) (salt[10] ^ (index48 >>> 8));
        v[11] = (byte) (salt[11] ^ index48);
        return new GCMParameterSpec(TAG_LENGTH * 8, v);
    }
}
