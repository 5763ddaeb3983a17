package dev.ingot.rtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 counter mode encryption (RFC 3711 §4.1.1) with HMAC-SHA1 authentication (§4.2.1), for SRTP and SRTCP.
 *
 * <p>The keystream comes from the JCE's {@code AES/CTR/NoPadding}, re-initialised per packet with that packet's IV.
 * Measured on this project's machine, that is about 2.5x faster than generating the counter blocks ourselves and
 * encrypting them with {@code AES/ECB/NoPadding} (the JDK's CTR loop is an intrinsic); the price is one small
 * {@link IvParameterSpec} per packet. The JDK's counter increments all 128 bits, which matches SRTP because the IV's
 * low 16 bits are zero and a packet is shorter than 2^16 blocks. The two {@link Mac}s are keyed once and reused.
 */
final class AesCmHmacSha1Transform implements SrtpTransform {

    private final Cipher rtpCipher;
    private final Cipher rtcpCipher;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final int rtpTagLength;
    private final int rtcpTagLength;

    private final byte[] iv = new byte[16];
    private final byte[] digest = new byte[20];
    private final byte[] word = new byte[4];

    AesCmHmacSha1Transform(SrtpSessionKeys keys, int rtpTagLength, int rtcpTagLength) {
        if (keys.rtpSalt().length != 14 || keys.rtcpSalt().length != 14) {
            throw new IllegalArgumentException("AES-CM session salt must be 14 bytes");
        }
        this.rtpCipher = JceAlgorithms.cipher("AES/CTR/NoPadding");
        this.rtcpCipher = JceAlgorithms.cipher("AES/CTR/NoPadding");
        this.rtpKey = new SecretKeySpec(keys.rtpEncryptionKey(), "AES");
        this.rtcpKey = new SecretKeySpec(keys.rtcpEncryptionKey(), "AES");
        this.rtpSalt = keys.rtpSalt().clone();
        this.rtcpSalt = keys.rtcpSalt().clone();
        this.rtpMac = JceAlgorithms.mac("HmacSHA1");
        this.rtcpMac = JceAlgorithms.mac("HmacSHA1");
        try {
            rtpMac.init(new SecretKeySpec(keys.rtpAuthKey(), "HmacSHA1"));
            rtcpMac.init(new SecretKeySpec(keys.rtcpAuthKey(), "HmacSHA1"));
            // Initialise once so a bad key fails here rather than on the first packet.
            rtpCipher.init(Cipher.ENCRYPT_MODE, rtpKey, new IvParameterSpec(iv));
            rtcpCipher.init(Cipher.ENCRYPT_MODE, rtcpKey, new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("bad SRTP session key", e);
        }
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int headerLength, int len, int ssrc, long index) {
        crypt(rtpCipher, rtpKey, rtpSalt, ssrc, index, buf, off + headerLength, len - headerLength);
        SrtpTransform.putInt(word, 0, (int) (index >>> 16));
        authenticate(rtpMac, buf, off, len, word);
        System.arraycopy(digest, 0, buf, off + len, rtpTagLength);
        return len + rtpTagLength;
    }

    @Override
    public int unprotectRtp(byte[] buf, int off, int headerLength, int len, int ssrc, long index) {
        int authenticated = len - rtpTagLength;
        SrtpTransform.putInt(word, 0, (int) (index >>> 16));
        authenticate(rtpMac, buf, off, authenticated, word);
        if (!tagMatches(buf, off + authenticated, rtpTagLength)) {
            return SrtpError.AUTH_FAILED.code();
        }
        crypt(rtpCipher, rtpKey, rtpSalt, ssrc, index, buf, off + headerLength, authenticated - headerLength);
        return authenticated;
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex) {
        crypt(rtcpCipher, rtcpKey, rtcpSalt, ssrc, srtcpIndex, buf, off + 8, len - 8);
        SrtpTransform.putInt(buf, off + len, 0x8000_0000 | srtcpIndex);
        authenticate(rtcpMac, buf, off, len + 4, null);
        System.arraycopy(digest, 0, buf, off + len + 4, rtcpTagLength);
        return len + 4 + rtcpTagLength;
    }

    @Override
    public int rtcpIndexOffset(int len) {
        return len - rtcpTagLength - 4;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex, boolean encrypted) {
        int authenticated = len - rtcpTagLength;
        authenticate(rtcpMac, buf, off, authenticated, null);
        if (!tagMatches(buf, off + authenticated, rtcpTagLength)) {
            return SrtpError.AUTH_FAILED.code();
        }
        int plainLength = authenticated - 4;
        if (encrypted) {
            crypt(rtcpCipher, rtcpKey, rtcpSalt, ssrc, srtcpIndex, buf, off + 8, plainLength - 8);
        }
        return plainLength;
    }

    /** HMAC-SHA1 over {@code buf[off, off+len)} followed by {@code suffix} (the ROC for SRTP), into {@link #digest}. */
    private void authenticate(Mac mac, byte[] buf, int off, int len, byte[] suffix) {
        mac.update(buf, off, len);
        if (suffix != null) {
            mac.update(suffix, 0, suffix.length);
        }
        try {
            mac.doFinal(digest, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of the first {@code n} bytes of {@link #digest} with the tag in the packet. */
    private boolean tagMatches(byte[] buf, int tagOff, int n) {
        int diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= digest[i] ^ buf[tagOff + i];
        }
        return diff == 0;
    }

    /**
     * XORs {@code buf[from, from+n)} with the AES-CM keystream for this SSRC and index. IV (RFC 3711 §4.1.1) =
     * (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
     */
    private void crypt(Cipher cipher, SecretKeySpec key, byte[] salt, int ssrc, long index, byte[] buf, int from, int n) {
        if (n <= 0) {
            return;
        }
        byte[] v = iv;
        System.arraycopy(salt, 0, v, 0, 14);
        v[14] = 0;
        v[15] = 0;
        v[4] ^= (byte) (ssrc >>> 24);
        v[5] ^= (byte) (ssrc >>> 16);
        v[6] ^= (byte) (ssrc >>> 8);
        v[7] ^= (byte) ssrc;
        v[8] ^= (byte) (index >>> 40);
        v[9] ^= (byte) (index >>> 32);
        v[10] ^= (byte) (index >>> 24);
        v[11] ^= (byte) (index >>> 16);
        v[12] ^= (byte) (index >>> 8);
        v[13] ^= (byte) index;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(v));
            cipher.doFinal(buf, from, n, buf, from);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
