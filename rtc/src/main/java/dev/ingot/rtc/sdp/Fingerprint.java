package dev.ingot.rtc.sdp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint from {@code a=fingerprint} (RFC 8122 §5): hash function name as written in
 * SDP, lower case ({@code "sha-256"}), and the digest bytes.
 */
public record Fingerprint(String hashFunction, byte[] digest) {
    private static final int MAX_DIGEST_BYTES = 64;

    public Fingerprint {
        hashFunction = hashFunction.toLowerCase(Locale.ROOT);
        if (!SdpText.isVisibleToken(hashFunction)) {
            throw new IllegalArgumentException("invalid hash function name");
        }
        if (digest.length == 0 || digest.length > MAX_DIGEST_BYTES) {
            throw new IllegalArgumentException("digest must have 1.." + MAX_DIGEST_BYTES + " bytes");
        }
        digest = digest.clone();
    }

    /** Parses {@code "sha-256 AB:CD:..."}. */
    public static Fingerprint parse(String value) throws SdpParseException {
        var tokens = SdpText.tokens(value);
        if (tokens.size() != 2) {
            throw new SdpParseException("a=fingerprint needs '<hash-function> <hex:hex:...>'");
        }
        String hex = tokens.get(1);
        if (hex.length() > MAX_DIGEST_BYTES * 3 || (hex.length() + 1) % 3 != 0) {
            throw new SdpParseException("invalid fingerprint '" + SdpText.clip(hex) + "'");
        }
        byte[] digest = new byte[(hex.length() + 1) / 3];
        for (int i = 0; i < digest.length; i++) {
            int hi = SdpText.hexValue(hex.charAt(3 * i));
            int lo = SdpText.hexValue(hex.charAt(3 * i + 1));
            if (hi < 0 || lo < 0 || (3 * i + 2 < hex.length() && hex.charAt(3 * i + 2) != ':')) {
                throw new SdpParseException("invalid fingerprint '" + SdpText.clip(hex) + "'");
            }
            digest[i] = (byte) (hi << 4 | lo);
        }
        if (!SdpText.isVisibleToken(tokens.get(0))) {
            throw new SdpParseException("invalid fingerprint hash function");
        }
        return new Fingerprint(tokens.get(0), digest);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** The JCA {@code MessageDigest} algorithm name for this hash function ("sha-256" → "SHA-256"). */
    public String jcaAlgorithm() {
        return switch (hashFunction) {
            case "md5" -> "MD5";
            case "md2" -> "MD2";
            default -> hashFunction.toUpperCase(Locale.ROOT);
        };
    }

    /** Upper-case colon-separated hex, as SDP writes it. */
    public String hex() {
        StringBuilder sb = new StringBuilder(digest.length * 3);
        HexFormat hf = HexFormat.of().withUpperCase();
        for (int i = 0; i < digest.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hf.toHexDigits(digest[i]));
        }
        return sb.toString();
    }

    /** The attribute value: {@code "sha-256 AB:CD:..."}. */
    public String sdpValue() {
        return hashFunction + " " + hex();
    }

    /** Constant-time comparison of hash function and digest. */
    public boolean matches(String hashFunctionName, byte[] otherDigest) {
        return hashFunction.equals(hashFunctionName.toLowerCase(Locale.ROOT))
                && java.security.MessageDigest.isEqual(digest, otherDigest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && f.hashFunction.equals(hashFunction) && Arrays.equals(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return hashFunction.hashCode() * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "Fingerprint[" + sdpValue() + "]";
    }
}
