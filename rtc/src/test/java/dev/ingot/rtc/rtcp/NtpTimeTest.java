package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class NtpTimeTest {

    private static long unixNanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** RFC 3550 §6.4.1 Figure 2: the SR sent at 10 Nov 1995 11:33:25.125 UTC. */
    @Test
    void matchesTheRfc3550FigureTwoSenderReportTime() {
        NtpTime sr = new NtpTime(0xb44db705_20000000L);
        assertThat(sr.seconds()).isEqualTo(0xb44db705L);
        assertThat(sr.fraction()).isEqualTo(0x20000000L);
        assertThat(sr.middle32()).as("LSR").isEqualTo(0xb7052000L);
        assertThat(sr.toUnixNanos()).isEqualTo(unixNanos("1995-11-10T11:33:25.125Z"));
        assertThat(NtpTime.fromUnixNanos(unixNanos("1995-11-10T11:33:25.125Z"))).isEqualTo(sr);
    }

    /** RFC 3550 §6.4.1 Figure 2: A=0xb710:8000, LSR=0xb705:2000, DLSR=0x0005:4000 give 6.125 s. */
    @Test
    void computesTheRfc3550FigureTwoRoundTrip() {
        assertThat(NtpTime.roundTripNanos(0xb7108000L, 0xb7052000L, 0x00054000L)).isEqualTo(6_125_000_000L);
        assertThat(NtpTime.durationToShortFormat(5_250_000_000L)).as("DLSR of 5.25 s").isEqualTo(0x00054000L);
        assertThat(NtpTime.shortFormatToNanos(0x00054000L)).isEqualTo(5_250_000_000L);
    }

    @Test
    void roundTripIsUnknownWithoutSenderReportOrWhenNegative() {
        assertThat(NtpTime.roundTripNanos(0xb7108000L, 0, 0)).isEqualTo(-1);
        assertThat(NtpTime.roundTripNanos(0xb7000000L, 0xb7052000L, 0)).isEqualTo(-1);
        // across the 32-bit wrap of the middle bits
        assertThat(NtpTime.roundTripNanos(0x00010000L, 0xFFFF8000L, 0x00004000L)).isEqualTo(1_250_000_000L);
    }

    @Test
    void unixNanosSurviveTheRoundTripExactly() {
        long[] samples = {0, 1, 999_999_999, 1_000_000_000, unixNanos("2026-11-24T10:15:30.123456789Z"),
                unixNanos("1968-01-20T03:14:08Z"), unixNanos("2036-02-07T06:28:15.999999999Z"),
                unixNanos("2036-02-07T06:28:16Z"), unixNanos("2100-01-01T00:00:00.5Z"), -1};
        for (long n : samples) {
            assertThat(NtpTime.fromUnixNanos(n).toUnixNanos()).as("%d", n).isEqualTo(n);
        }
    }

    @Test
    void secondsWrapIn2036AndAreReadBackAsEraOne() {
        NtpTime wrap = NtpTime.fromUnixNanos(unixNanos("2036-02-07T06:28:16Z"));
        assertThat(wrap.value()).isZero();
        NtpTime after = NtpTime.fromUnixNanos(unixNanos("2040-01-01T00:00:00Z"));
        assertThat(after.seconds()).isLessThan(0x8000_0000L);
        assertThat(after.toUnixNanos()).isEqualTo(unixNanos("2040-01-01T00:00:00Z"));
    }

    @Test
    void shortFormatClampsAndRejectsNegatives() {
        assertThat(NtpTime.durationToShortFormat(-5)).isZero();
        assertThat(NtpTime.durationToShortFormat(Long.MAX_VALUE)).isEqualTo(0xFFFF_FFFFL);
        assertThat(NtpTime.durationToShortFormat(65_536L * 1_000_000_000L)).isEqualTo(0xFFFF_FFFFL);
        assertThat(NtpTime.durationToShortFormat(15_259)).as("one unit is 15258.8 ns").isEqualTo(1);
        assertThat(NtpTime.durationToShortFormat(15_258)).isZero();
    }
}
