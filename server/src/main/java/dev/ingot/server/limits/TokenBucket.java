package dev.ingot.server.limits;

/**
 * A token bucket (the classic traffic-shaping meter, as in RFC 2697's single-rate meter without colours): it
 * holds up to {@code capacity} tokens, gains one every {@code nanosPerToken}, and each admitted event takes one.
 * Sans-IO: time is a parameter. Not thread-safe; {@link PerAddressRateLimiter} serializes access.
 */
public final class TokenBucket {
    private final long capacity;
    private final long nanosPerToken;
    /** Tokens scaled by {@code nanosPerToken}, so refill is exact integer arithmetic (no drift, no doubles). */
    private long credit;
    private long lastNanos;

    /** A full bucket at {@code nowNanos}. */
    public TokenBucket(long capacity, long nanosPerToken, long nowNanos) {
        if (capacity < 1 || nanosPerToken < 1) {
            throw new IllegalArgumentException("capacity and nanosPerToken must be positive");
        }
        if (capacity > Long.MAX_VALUE / nanosPerToken) {
            throw new IllegalArgumentException("capacity * nanosPerToken overflows");
        }
        this.capacity = capacity;
        this.nanosPerToken = nanosPerToken;
        this.credit = capacity * nanosPerToken;
        this.lastNanos = nowNanos;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed <= 0) {
            return; // time never runs backwards for a bucket; an older "now" refills nothing
        }
        long max = capacity * nanosPerToken;
        credit = elapsed >= max - credit ? max : credit + elapsed;
        lastNanos = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when a token was taken; otherwise how many nanoseconds until one will be there (always > 0)
     */
    public long tryTake(long nowNanos) {
        refill(nowNanos);
        if (credit >= nanosPerToken) {
            credit -= nanosPerToken;
            return 0;
        }
        return nanosPerToken - credit;
    }

    /** True when the bucket is full at {@code nowNanos}: it then remembers nothing and may be forgotten. */
    public boolean isFull(long nowNanos) {
        refill(nowNanos);
        return credit == capacity * nanosPerToken;
    }

    /** Whole tokens available at {@code nowNanos}. */
    public long tokens(long nowNanos) {
        refill(nowNanos);
        return credit / nanosPerToken;
    }
}
