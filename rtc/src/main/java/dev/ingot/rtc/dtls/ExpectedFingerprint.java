package dev.ingot.rtc.dtls;

import java.util.Arrays;
import java.util.Locale;

/**
 * A certificate fingerprint the remote peer announced with {@code a=fingerprint} (RFC 8122 §5); the DTLS
 * handshake accepts the peer when its end-entity certificate matches any one of these (RFC 8842 §5).
 *
 * @param hashAlgorithm lower-case hash function name as in SDP: sha-1, sha-224, sha-256, sha-384 or sha-512
 * @param value         the digest bytes, exactly as long as {@code hashAlgorithm} produces
 */
public record ExpectedFingerprint(String hashAlgorithm, byte[] value) {

    /**
     * Checks the algorithm is one we can compute and the value has its length.
     *
     * @throws IllegalArgumentException on an unsupported algorithm (e.g. md5) or a wrong-length value
     */
    public ExpectedFingerprint {
        if (hashAlgorithm == null || value == null) {
            throw new IllegalArgumentException("hash algorithm and value are required");
        }
        hashAlgorithm = hashAlgorithm.toLowerCase(Locale.ROOT);
        int expectedLength = DtlsCertificate.digestLength(hashAlgorithm);
        if (value.length != expectedLength) {
            throw new IllegalArgumentException("a " + hashAlgorithm + " fingerprint has " + expectedLength
                    + " bytes, got " + value.length);
        }
        value = value.clone();
    }

    /**
     * Parses the two fields of an SDP {@code a=fingerprint:<hash-func> <fingerprint>} attribute, where the
     * fingerprint is colon-separated hex pairs in either case (RFC 8122 §5).
     *
     * @throws IllegalArgumentException when the algorithm is unsupported or the hex is malformed
     */
    public static ExpectedFingerprint parse(String hashAlgorithm, String colonHex) {
        if (colonHex == null) {
            throw new IllegalArgumentException("fingerprint is required");
        }
        String trimmed = colonHex.trim();
        // "XX" followed by ":XX" groups: length 3n-1.
        if (trimmed.isEmpty() || (trimmed.length() + 1) % 3 != 0 || trimmed.length() > 3 * 64) {
            throw new IllegalArgumentException("malformed fingerprint: " + colonHex);
        }
        int groups = (trimmed.length() + 1) / 3;
        byte[] bytes = new byte[groups];
        for (int i = 0; i < groups; i++) {
            int at = 3 * i;
            if (i > 0 && trimmed.charAt(at - 1) != ':') {
                throw new IllegalArgumentException("malformed fingerprint: " + colonHex);
            }
            int high = Character.digit(trimmed.charAt(at), 16);
            int low = Character.digit(trimmed.charAt(at + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("malformed fingerprint: " + colonHex);
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return new ExpectedFingerprint(hashAlgorithm, bytes);
    }

    /** A copy of the digest bytes. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Whether the digest of {@code derCertificate} under this algorithm equals {@link #value()}. */
    public boolean matches(byte[] derCertificate) {
        return java.security.MessageDigest.isEqual(value, DtlsCertificate.fingerprint(hashAlgorithm, derCertificate));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExpectedFingerprint that
                && hashAlgorithm.equals(that.hashAlgorithm)
                && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * hashAlgorithm.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return hashAlgorithm + " " + DtlsCertificate.formatFingerprint(value);
    }
}
