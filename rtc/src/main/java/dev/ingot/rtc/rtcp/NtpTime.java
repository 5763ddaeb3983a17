package dev.ingot.rtc.rtcp;

/**
 * A 64-bit NTP timestamp (RFC 3550 §4, RFC 5905 §6): seconds since 1900 in the high 32 bits, the
 * fraction of a second in the low 32. Converts from and to Unix time in nanoseconds (given by the
 * caller: this package reads no clock) and yields the "middle 32 bits" that report blocks carry as
 * LSR.
 *
 * <p>{@link #toUnixNanos()} resolves the 32-bit seconds' wrap in 2036 as RFC 4330 §3 suggests: a
 * seconds value with the top bit clear is taken to be after 2036.
 *
 * @param value the raw 64 bits (negative as a Java long when the top bit is set)
 */
public record NtpTime(long value) {

    /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
    public static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The NTP timestamp of a Unix time in nanoseconds, its fraction rounded up. */
    public static NtpTime fromUnixNanos(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND) + NTP_TO_UNIX_SECONDS;
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        long fraction = ((nanos << 32) + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
        return new NtpTime((seconds << 32) | fraction);
    }

    /** Unix time in nanoseconds (exact inverse of {@link #fromUnixNanos} for 1968..2104). */
    public long toUnixNanos() {
        long seconds = seconds();
        if (seconds < 0x8000_0000L) {
            seconds += 1L << 32;
        }
        return (seconds - NTP_TO_UNIX_SECONDS) * NANOS_PER_SECOND + ((fraction() * NANOS_PER_SECOND) >>> 32);
    }

    /** The high 32 bits, unsigned. */
    public long seconds() {
        return value >>> 32;
    }

    /** The low 32 bits, unsigned, in 1/2^32 seconds. */
    public long fraction() {
        return value & 0xFFFF_FFFFL;
    }

    /** The middle 32 bits (RFC 3550 §6.4.1 LSR), unsigned: 16.16 fixed-point seconds. */
    public long middle32() {
        return (value >>> 16) & 0xFFFF_FFFFL;
    }

    /** A duration in nanoseconds as 1/65536-second units (DLSR, RFC 3550 §6.4.1), clamped to 32 bits. */
    public static long durationToShortFormat(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        if (nanos >= 1L << 47) { // beyond 2^32 units anyway; also keeps the shift below from overflowing
            return 0xFFFF_FFFFL;
        }
        return Math.min((nanos << 16) / NANOS_PER_SECOND, 0xFFFF_FFFFL);
    }

    /** 1/65536-second units (DLSR, or an RTT in that unit) as nanoseconds. */
    public static long shortFormatToNanos(long units) {
        return ((units & 0xFFFF_FFFFL) * NANOS_PER_SECOND) >>> 16;
    }

    /**
     * Round-trip time from a report block (RFC 3550 §6.4.1): arrival time A (as {@link #middle32()}
     * of the arrival's NTP time) minus LSR minus DLSR, modulo 2^32, in nanoseconds. Returns -1 when
     * the block carries no SR reference (LSR 0) or the result is negative.
     */
    public static long roundTripNanos(long arrivalMiddle32, long lastSr, long delaySinceLastSr) {
        if (lastSr == 0) {
            return -1;
        }
        long rtt = (arrivalMiddle32 - lastSr - delaySinceLastSr) & 0xFFFF_FFFFL;
        if (rtt >= 0x8000_0000L) {
            return -1;
        }
        return shortFormatToNanos(rtt);
    }
}
