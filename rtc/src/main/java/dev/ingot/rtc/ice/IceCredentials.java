package dev.ingot.rtc.ice;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An ICE username fragment and password (RFC 8445 §5.3, SDP syntax RFC 8839 §5.4): ice-chars only,
 * ufrag 4-256 characters, pwd 22-256 characters. {@link #toString()} hides the password.
 */
public record IceCredentials(String ufrag, String pwd) {
    /** The 64 ice-chars: ALPHA / DIGIT / "+" / "/". */
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    /** Length of generated ufrags (48 random bits). */
    public static final int UFRAG_LENGTH = 8;
    /** Length of generated passwords (144 random bits). */
    public static final int PWD_LENGTH = 24;

    public IceCredentials {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(pwd, "pwd");
        if (ufrag.length() < 4 || ufrag.length() > 256 || !isIceChars(ufrag)) {
            throw new IllegalArgumentException("ice-ufrag must be 4 to 256 ice-chars");
        }
        if (pwd.length() < 22 || pwd.length() > 256 || !isIceChars(pwd)) {
            throw new IllegalArgumentException("ice-pwd must be 22 to 256 ice-chars");
        }
    }

    /** Fresh credentials: an 8-character ufrag and a 24-character pwd drawn from {@code rng} (pass a SecureRandom). */
    public static IceCredentials random(RandomGenerator rng) {
        return new IceCredentials(randomIceChars(rng, UFRAG_LENGTH), randomIceChars(rng, PWD_LENGTH));
    }

    /** True if {@code s} is non-empty and holds only ice-chars. */
    public static boolean isIceChars(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String randomIceChars(RandomGenerator rng, int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = ICE_CHARS[rng.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd=<hidden>]";
    }
}
