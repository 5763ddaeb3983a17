package dev.ingot.rtc.rtcp;

/** Range checks for the unsigned 32-bit fields the records hold as {@code long}. */
final class Unsigned {

    private Unsigned() {
    }

    /** Returns {@code v} if it fits an unsigned 32-bit field, else throws IllegalArgumentException. */
    static long requireU32(String name, long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " out of unsigned 32-bit range: " + v);
        }
        return v;
    }
}
