package dev.ingot.rtc.srtp;

import java.util.HexFormat;

/** Hex for test vectors copied from RFC text (whitespace ignored). */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", "").toLowerCase());
    }

    static String hex(byte[] b, int off, int len) {
        return HexFormat.of().formatHex(b, off, off + len);
    }
}
