package dev.ingot.rtc.feedback;

import java.util.Objects;

/**
 * Decides when to ask the publisher of one video stream for a keyframe: when the first packet arrives and no
 * keyframe has yet (a lost first keyframe otherwise means no picture until the next GOP), after a decoder error,
 * and after loss that NACK could not repair. Requests are rate-limited ({@link #setMinIntervalNanos}; one per
 * second by default) and repeated at that pace until {@link #onKeyframeReceived()}.
 *
 * <p>Uses PLI (RFC 4585 §6.3.1) when negotiated, else FIR (RFC 5104 §4.3.1). Every FIR this emits carries a new
 * sequence number, repeats included: RFC 5104 §4.3.1.2 keeps the number for a retransmission of the same
 * request, but senders such as libwebrtc ignore a FIR whose number they have already seen, so a repeat after a
 * second with still no keyframe has to be a new request to have any effect.
 */
public final class KeyframeRequester {
    /** Which keyframe request message the peer accepts. */
    public enum Method {
        PLI,
        FIR,
        /** Neither was negotiated: {@link #pollRequest} always answers {@link KeyframeRequest#NONE}. */
        NONE;

        /** PLI if the answer has {@code a=rtcp-fb:... nack pli}, else FIR if it has {@code ccm fir}, else NONE. */
        public static Method negotiated(boolean pli, boolean fir) {
            return pli ? PLI : fir ? FIR : NONE;
        }
    }

    /** Default spacing of requests. */
    public static final long DEFAULT_MIN_INTERVAL_NANOS = 1_000_000_000L;

    private final Method method;
    private long minIntervalNanos;

    private boolean pending;
    private boolean keyframeSeen;
    private boolean packetSeen;
    private boolean haveRequested;
    private long lastRequestAt;
    private int firSequenceNumber;

    private long plisSent;
    private long firsSent;

    /** A requester with one request per second at most. */
    public KeyframeRequester(Method method) {
        this(method, DEFAULT_MIN_INTERVAL_NANOS);
    }

    public KeyframeRequester(Method method, long minIntervalNanos) {
        this.method = Objects.requireNonNull(method, "method");
        if (minIntervalNanos <= 0) {
            throw new IllegalArgumentException("min interval must be positive");
        }
        this.minIntervalNanos = minIntervalNanos;
    }

    /**
     * Changes the spacing of requests: as often as the publisher can answer one (about a round trip plus a frame),
     * so a picture broken by loss is repaired quickly, and never more often than that.
     */
    public void setMinIntervalNanos(long minIntervalNanos) {
        if (minIntervalNanos <= 0) {
            throw new IllegalArgumentException("min interval must be positive");
        }
        this.minIntervalNanos = minIntervalNanos;
    }

    /** A video packet arrived; the first one starts a request unless a keyframe was already received. */
    public void onVideoPacket() {
        if (!packetSeen) {
            packetSeen = true;
            if (!keyframeSeen) {
                pending = true;
            }
        }
    }

    /** The decoder failed on a frame: ask for a fresh keyframe. */
    public void onDecoderError() {
        pending = true;
    }

    /** Packets were lost for good (see {@link NackGenerator#pollKeyframeNeeded()}): ask for a keyframe. */
    public void onUnrecoverableLoss() {
        pending = true;
    }

    /** A complete keyframe arrived: stop asking. */
    public void onKeyframeReceived() {
        keyframeSeen = true;
        pending = false;
    }

    /**
     * The request to send now: {@link KeyframeRequest#NONE} if nothing is wanted, the method is NONE, or the last
     * request went out less than the minimum interval ago; otherwise PLI, or FIR with the next sequence number.
     */
    public KeyframeRequest pollRequest(long nowNanos) {
        if (!pending || method == Method.NONE || haveRequested && nowNanos - lastRequestAt < minIntervalNanos) {
            return KeyframeRequest.NONE;
        }
        haveRequested = true;
        lastRequestAt = nowNanos;
        if (method == Method.PLI) {
            plisSent++;
            return KeyframeRequest.PLI;
        }
        firsSent++;
        KeyframeRequest fir = new KeyframeRequest.Fir(firSequenceNumber);
        firSequenceNumber = (firSequenceNumber + 1) & 0xFF;
        return fir;
    }

    /**
     * When {@link #pollRequest} will next have something to send: {@code Long.MAX_VALUE} if nothing is wanted,
     * otherwise the time the rate limit allows (possibly in the past: send now).
     */
    public long nextRequestAtNanos() {
        if (!pending || method == Method.NONE) {
            return Long.MAX_VALUE;
        }
        return haveRequested ? lastRequestAt + minIntervalNanos : Long.MIN_VALUE;
    }

    /** True while a keyframe is wanted and not yet received. */
    public boolean waitingForKeyframe() {
        return pending;
    }

    /** The method in use. */
    public Method method() {
        return method;
    }

    /** PLIs emitted so far. */
    public long plisSent() {
        return plisSent;
    }

    /** FIRs emitted so far. */
    public long firsSent() {
        return firsSent;
    }
}
