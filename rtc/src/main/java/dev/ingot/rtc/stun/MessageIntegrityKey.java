package dev.ingot.rtc.stun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the MESSAGE-INTEGRITY attribute (HMAC-SHA1, RFC 8489 §14.5) with its MAC engine
 * initialised once, so that checking or signing a message allocates nothing. Not thread-safe: give
 * each thread (each session loop) its own instance. {@link #toString()} never shows the key.
 */
public final class MessageIntegrityKey {
    static final int HMAC_LENGTH = 20;

    private final Mac mac;
    private final byte[] scratch = new byte[HMAC_LENGTH];

    /** A key made of the given bytes (copied). */
    public MessageIntegrityKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("empty MESSAGE-INTEGRITY key");
        }
        try {
            mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable MESSAGE-INTEGRITY key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /**
     * The short-term credential key of a password (RFC 8489 §9.1.1): its UTF-8 bytes. OpaqueString
     * preparation (RFC 8265) is the identity for the ICE passwords we meet (ice-chars, RFC 8445 §5.3),
     * so it is not applied.
     */
    public static MessageIntegrityKey shortTerm(String password) {
        Objects.requireNonNull(password, "password");
        return new MessageIntegrityKey(password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * HMAC-SHA1 of {@code buf[off, off+len)} with the message length field (bytes 2-3 of the header,
     * which starts at {@code off}) read as {@code lengthField}; the result goes to {@code out[outOff..+20)}.
     */
    void compute(byte[] buf, int off, int len, int lengthField, byte[] out, int outOff) {
        mac.update(buf, off, 2);
        mac.update((byte) (lengthField >>> 8));
        mac.update((byte) lengthField);
        mac.update(buf, off + 4, len - 4);
        try {
            mac.doFinal(out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 failed", e);
        }
    }

    /**
     * Computes the HMAC like {@link #compute} and compares it in constant time with the 20 bytes at
     * {@code expected[expectedOff..]}.
     */
    boolean verify(byte[] buf, int off, int len, int lengthField, byte[] expected, int expectedOff) {
        compute(buf, off, len, lengthField, scratch, 0);
        int diff = 0;
        for (int i = 0; i < HMAC_LENGTH; i++) {
            diff |= scratch[i] ^ expected[expectedOff + i];
        }
        return diff == 0;
    }

    @Override
    public String toString() {
        return "MessageIntegrityKey[HmacSHA1]";
    }
}
