package dev.ingot.server.input;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A WHIP bearer token. Generated ones are 16 CSPRNG bytes as 32 upper-case hex characters (as Smelter does).
 * Checked in constant time by comparing SHA3-512 digests, so neither content nor length leaks through timing.
 * {@link #toString()} never shows the value: tokens must not reach logs.
 */
public final class BearerToken {
    private static final SecureRandom RNG = new SecureRandom();
    private final String value;
    private final byte[] digest;

    private BearerToken(String value) {
        this.value = value;
        this.digest = digest(value);
    }

    public static BearerToken of(String value) {
        return new BearerToken(value);
    }

    public static BearerToken generate() {
        byte[] b = new byte[16];
        RNG.nextBytes(b);
        return new BearerToken(HexFormat.of().withUpperCase().formatHex(b));
    }

    /** The token itself, for the register response only. */
    public String reveal() {
        return value;
    }

    /** Checks an {@code Authorization} header value ({@code Bearer <token>}); null means absent. */
    public boolean matchesAuthorizationHeader(String header) {
        if (header == null) {
            return false;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, digest(h.substring(7).strip()));
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA3-512").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA3-512 is part of every Java 21 runtime", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
