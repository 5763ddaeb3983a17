package dev.ingot.rtc.session;

/** How the RTCP we send is put into datagrams. */
public enum RtcpMode {
    /**
     * Every datagram is a compound packet (RFC 3550 §6.1, RFC 4585 §3.1): a receiver report first (empty between
     * periodic reports), then SDES with our CNAME, then the feedback messages due.
     */
    COMPOUND,
    /**
     * {@code a=rtcp-rsize} was negotiated (RFC 5506): feedback messages go alone, each in a datagram of its own;
     * periodic reports stay compound (RR + SDES).
     */
    REDUCED_SIZE,
    /**
     * The publisher reads a feedback message only when it is alone in its datagram, whatever was negotiated
     * (FFmpeg's WHIP muxer): sent as {@link #REDUCED_SIZE}.
     */
    FEEDBACK_ALONE;

    /** True when feedback messages go in datagrams of their own. */
    public boolean feedbackAlone() {
        return this != COMPOUND;
    }
}
