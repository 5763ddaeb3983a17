package dev.ingot.server.limits;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rate limit per remote address: one {@link TokenBucket} per client, holding {@code limit} requests and refilling
 * {@code limit} per {@code period} (so a client may burst up to {@code limit}, then gets one request every
 * {@code period / limit}). IPv4 clients are keyed by address; IPv6 clients by their /64 prefix (one subscriber's
 * allocation, RFC 6177), so rotating through one's own interface identifiers does not multiply the allowance.
 *
 * <p>Memory is bounded: at most {@code maxTracked} buckets. A full bucket carries no information, so buckets that
 * have refilled completely are swept out (at most once per {@code period}, and whenever the map is full); when the
 * map is still full, the least recently used bucket is dropped. Sans-IO: time is a parameter. Thread-safe.
 */
public final class PerAddressRateLimiter {
    /** The answer for one request: allowed, or refused with the time after which a retry will be allowed. */
    public record Verdict(boolean allowed, Duration retryAfter) {
        static final Verdict ALLOW = new Verdict(true, Duration.ZERO);

        /** {@code Retry-After} in whole seconds (RFC 9110 §10.2.3), rounded up, at least 1. */
        public long retryAfterSeconds() {
            long s = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
            return Math.max(1, s);
        }
    }

    private final int limit;
    private final long periodNanos;
    private final long nanosPerToken;
    private final int maxTracked;
    private final Map<AddressKey, TokenBucket> buckets;
    private long nextSweepNanos;
    private boolean sweepScheduled;
    private long evictions;

    /**
     * @param limit      requests per {@code period} (also the burst size), at least 1
     * @param period     the refill period
     * @param maxTracked most client addresses remembered at once, at least 1
     */
    public PerAddressRateLimiter(int limit, Duration period, int maxTracked) {
        if (limit < 1 || maxTracked < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("limit, period and maxTracked must be positive");
        }
        this.limit = limit;
        this.periodNanos = period.toNanos();
        this.nanosPerToken = Math.max(1, periodNanos / limit);
        this.maxTracked = maxTracked;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** {@code limit} requests per minute per address, remembering up to 10 000 addresses (about 1 MB). */
    public static PerAddressRateLimiter perMinute(int limit) {
        return new PerAddressRateLimiter(limit, Duration.ofMinutes(1), 10_000);
    }

    /** Counts one request from {@code address} at {@code nowNanos}; a null address counts as 0.0.0.0. */
    public synchronized Verdict check(InetAddress address, long nowNanos) {
        if (!sweepScheduled) {
            sweepScheduled = true;
            nextSweepNanos = nowNanos + periodNanos;
        } else if (nowNanos - nextSweepNanos >= 0) {
            sweep(nowNanos);
            nextSweepNanos = nowNanos + periodNanos;
        }
        AddressKey key = AddressKey.of(address);
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxTracked) {
                makeRoom(nowNanos);
            }
            bucket = new TokenBucket(limit, nanosPerToken, nowNanos);
            buckets.put(key, bucket);
        }
        long wait = bucket.tryTake(nowNanos);
        return wait == 0 ? Verdict.ALLOW : new Verdict(false, Duration.ofNanos(wait));
    }

    private void sweep(long nowNanos) {
        buckets.values().removeIf(b -> b.isFull(nowNanos));
    }

    private void makeRoom(long nowNanos) {
        sweep(nowNanos);
        Iterator<TokenBucket> eldest = buckets.values().iterator();
        while (buckets.size() >= maxTracked && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
            evictions++;
        }
    }

    /** How many client addresses are remembered now. */
    public synchronized int tracked() {
        return buckets.size();
    }

    /** How many buckets were dropped while still holding information because the map was full. */
    public synchronized long evictions() {
        return evictions;
    }

    public int limit() {
        return limit;
    }

    /** A client identity: 4 bytes for IPv4 (also IPv4-mapped IPv6), the /64 prefix (8 bytes) for IPv6. */
    record AddressKey(byte[] bytes) {
        static AddressKey of(InetAddress a) {
            if (a == null) {
                return new AddressKey(new byte[4]);
            }
            byte[] raw = a.getAddress();
            if (a instanceof Inet4Address) {
                return new AddressKey(raw);
            }
            if (a instanceof Inet6Address && isIpv4Mapped(raw)) {
                return new AddressKey(Arrays.copyOfRange(raw, 12, 16));
            }
            return new AddressKey(Arrays.copyOf(raw, 8));
        }

        private static boolean isIpv4Mapped(byte[] raw) {
            for (int i = 0; i < 10; i++) {
                if (raw[i] != 0) {
                    return false;
                }
            }
            return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AddressKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }
}
