package dev.ingot.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PerAddressRateLimiterTest {
    private static final long SEC = 1_000_000_000L;

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachAddressGetsItsOwnBudget() {
        PerAddressRateLimiter l = PerAddressRateLimiter.perMinute(2);
        assertThat(l.check(ip("192.0.2.1"), 0).allowed()).isTrue();
        assertThat(l.check(ip("192.0.2.1"), 0).allowed()).isTrue();
        assertThat(l.check(ip("192.0.2.1"), 0).allowed()).isFalse();
        assertThat(l.check(ip("192.0.2.2"), 0).allowed()).isTrue();
    }

    @Test
    void refusalSaysWhenToRetryInWholeSecondsRoundedUp() {
        PerAddressRateLimiter l = PerAddressRateLimiter.perMinute(3); // a token every 20 s
        for (int i = 0; i < 3; i++) {
            l.check(ip("192.0.2.1"), 0);
        }
        PerAddressRateLimiter.Verdict v = l.check(ip("192.0.2.1"), SEC / 2);
        assertThat(v.allowed()).isFalse();
        assertThat(v.retryAfter()).isEqualTo(Duration.ofMillis(19_500));
        assertThat(v.retryAfterSeconds()).isEqualTo(20);
        assertThat(l.check(ip("192.0.2.1"), 20 * SEC).allowed()).isTrue();
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64() {
        PerAddressRateLimiter l = PerAddressRateLimiter.perMinute(1);
        assertThat(l.check(ip("2001:db8:1:2::1"), 0).allowed()).isTrue();
        assertThat(l.check(ip("2001:db8:1:2:ffff:eeee:dddd:cccc"), 0).allowed()).as("same /64").isFalse();
        assertThat(l.check(ip("2001:db8:1:3::1"), 0).allowed()).as("another /64").isTrue();
    }

    @Test
    void ipv4MappedIpv6CountsAsTheIpv4Address() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        PerAddressRateLimiter l = PerAddressRateLimiter.perMinute(1);
        assertThat(l.check(ip("192.0.2.7"), 0).allowed()).isTrue();
        assertThat(l.check(v6, 0).allowed()).isFalse();
    }

    @Test
    void memoryStaysBoundedUnderAnAddressFlood() {
        PerAddressRateLimiter l = new PerAddressRateLimiter(5, Duration.ofMinutes(1), 100);
        for (int i = 0; i < 10_000; i++) {
            l.check(ip("10.0." + (i >> 8) + "." + (i & 0xff)), i);
        }
        assertThat(l.tracked()).isLessThanOrEqualTo(100);
    }

    @Test
    void refilledBucketsAreForgottenAndDoNotCountAsEvictions() {
        PerAddressRateLimiter l = new PerAddressRateLimiter(2, Duration.ofMinutes(1), 10);
        for (int i = 0; i < 10; i++) {
            l.check(ip("10.0.0." + i), 0);
        }
        assertThat(l.tracked()).isEqualTo(10);
        // a minute later every bucket has refilled: the next check sweeps them
        l.check(ip("10.0.1.1"), 61 * SEC);
        assertThat(l.tracked()).isEqualTo(1);
        assertThat(l.evictions()).isZero();
    }

    @Test
    void whenFullOfBusyClientsTheLeastRecentlyUsedIsDropped() {
        PerAddressRateLimiter l = new PerAddressRateLimiter(1, Duration.ofMinutes(1), 2);
        l.check(ip("10.0.0.1"), 0);
        l.check(ip("10.0.0.2"), 0);
        l.check(ip("10.0.0.1"), 1); // refused, but now most recently used
        l.check(ip("10.0.0.3"), 2); // evicts 10.0.0.2
        assertThat(l.evictions()).isEqualTo(1);
        assertThat(l.check(ip("10.0.0.1"), 3).allowed()).as("10.0.0.1 still remembered").isFalse();
        assertThat(l.check(ip("10.0.0.2"), 4).allowed()).as("10.0.0.2 was forgotten").isTrue();
    }

    @Test
    void aMissingAddressIsStillLimited() {
        PerAddressRateLimiter l = PerAddressRateLimiter.perMinute(1);
        assertThat(l.check(null, 0).allowed()).isTrue();
        assertThat(l.check(null, 0).allowed()).isFalse();
    }
}
