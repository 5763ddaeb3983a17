package dev.ingot.rtc.srtp;

import java.util.Objects;

/**
 * One direction of an SRTP/SRTCP session (RFC 3711): either inbound (unprotects what the peer sends) or outbound
 * (protects what this side sends), for one profile and master key. Holds per-SSRC state: the rollover counter and
 * replay window for SRTP (§3.3.1, §3.3.2), the replay window of received SRTCP indices and the next SRTCP index to
 * send (§3.4).
 *
 * <p>All four packet methods work in place on {@code buf[off, off+len)} and return the new length, or a negative
 * {@link SrtpError#code()} for a packet they refuse; they never throw for packet contents. They throw only for
 * programming errors: a range outside {@code buf} ({@link IndexOutOfBoundsException}) or a protect call on an
 * inbound context or vice versa ({@link IllegalStateException}). Replay state and new SSRCs are only recorded once a
 * packet has authenticated, so forged packets change nothing. A refused packet's bytes are unspecified afterwards
 * (AES-GCM decrypts in place while it checks the tag); drop it. At most {@link #MAX_STREAMS} SSRCs are tracked; a
 * further SSRC is refused with {@link SrtpError#UNKNOWN_SSRC_LIMIT}.
 *
 * <p>Replay windows: {@value #RTP_REPLAY_WINDOW} packets for SRTP, as libwebrtc uses, so that video reordered by a
 * few hundred packets at high rates is not dropped (RFC 3711 asks for at least 64); {@value #RTCP_REPLAY_WINDOW} for
 * SRTCP. Header extensions are authenticated but not encrypted (no RFC 6904 / cryptex). RTP padding is part of the
 * encrypted payload: it is protected as is and left for the RTP parser after unprotection. The key derivation rate is
 * zero (RFC 5764 §4.1.2), so session keys are derived once.
 *
 * <p>Not thread-safe: drive one context from one thread (the session's loop). Cipher and Mac instances are created
 * once and reused; the steady state allocates only the IV parameter object the JCE requires per packet.
 */
public final class SrtpContext {

    /** Most SSRCs (streams) one context tracks. */
    public static final int MAX_STREAMS = 64;
    /** SRTP replay window length, in packets. */
    public static final int RTP_REPLAY_WINDOW = 1024;
    /** SRTCP replay window length, in packets. */
    public static final int RTCP_REPLAY_WINDOW = 128;

    /** Largest SRTCP index (31 bits, RFC 3711 §3.4). */
    static final int MAX_SRTCP_INDEX = 0x7FFF_FFFF;

    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;

    private final SrtpProfile profile;
    private final boolean inbound;
    private final SrtpTransform transform;

    private final int[] ssrcs = new int[MAX_STREAMS];
    private final Stream[] streams = new Stream[MAX_STREAMS];
    private int streamCount;
    private int lastHit;

    private long lastRtpIndex = -1;

    private SrtpContext(SrtpProfile profile, boolean inbound, SrtpSessionKeys keys) {
        this.profile = Objects.requireNonNull(profile);
        this.inbound = inbound;
        this.transform = SrtpTransform.create(profile, keys);
    }

    /** A context that unprotects SRTP/SRTCP sent by the holder of {@code masterKey}. */
    public static SrtpContext inbound(SrtpProfile profile, SrtpMasterKey masterKey) {
        return new SrtpContext(profile, true, deriveChecked(profile, masterKey));
    }

    /** A context that protects RTP/RTCP with {@code masterKey}. */
    public static SrtpContext outbound(SrtpProfile profile, SrtpMasterKey masterKey) {
        return new SrtpContext(profile, false, deriveChecked(profile, masterKey));
    }

    /** A context using already derived session keys, for the RFC 7714 vectors, which give session keys. */
    static SrtpContext withSessionKeys(SrtpProfile profile, boolean inbound, SrtpSessionKeys keys) {
        return new SrtpContext(profile, inbound, keys);
    }

    private static SrtpSessionKeys deriveChecked(SrtpProfile profile, SrtpMasterKey masterKey) {
        if (!masterKey.fits(profile)) {
            throw new IllegalArgumentException("master key or salt length does not fit " + profile);
        }
        return SrtpKeyDerivation.deriveSessionKeys(profile, masterKey);
    }

    public SrtpProfile profile() {
        return profile;
    }

    public boolean isInbound() {
        return inbound;
    }

    /** Number of SSRCs this context tracks. */
    public int streamCount() {
        return streamCount;
    }

    /**
     * The 48-bit packet index (ROC * 2^16 + SEQ) of the RTP packet most recently protected or unprotected
     * successfully, or -1 before the first. Useful as an extended sequence number.
     */
    public long lastRtpIndex() {
        return lastRtpIndex;
    }

    // ---------------------------------------------------------------------------------------------- SRTP

    /**
     * Verifies and decrypts an SRTP packet in place.
     *
     * @return the length of the plain RTP packet (the tag removed), or a negative {@link SrtpError} code
     */
    public int unprotectRtp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        requireInbound(true);
        int tagLength = profile.rtpAuthTagLength();
        int headerLength = rtpHeaderLength(buf, off, len - tagLength);
        if (headerLength < 0) {
            return headerLength;
        }
        int seq = u16(buf, off + 2);
        int ssrc = i32(buf, off + 8);
        Stream stream = find(ssrc);
        if (stream == null && streamCount == MAX_STREAMS) {
            return SrtpError.UNKNOWN_SSRC_LIMIT.code();
        }
        ReplayWindow window = stream == null ? null : stream.rtp;
        long index = PacketIndex.estimate(window == null ? -1 : window.highest(), seq);
        if (index == PacketIndex.EXHAUSTED) {
            return SrtpError.KEY_EXHAUSTED.code();
        }
        if (index < 0 || (window != null && !window.isFresh(index))) {
            return SrtpError.REPLAYED.code();
        }
        int result = transform.unprotectRtp(buf, off, headerLength, len, ssrc, index);
        if (result < 0) {
            return result;
        }
        if (stream == null) {
            stream = add(ssrc);
        }
        stream.rtp.markSeen(index);
        lastRtpIndex = index;
        return result;
    }

    /**
     * Encrypts an RTP packet in place and appends the authentication tag; {@code buf} must have
     * {@link SrtpProfile#rtpAuthTagLength()} bytes of room after {@code off+len}. The rollover counter follows the
     * sequence numbers (RFC 3711 §3.3.1); an index already used for this SSRC is refused
     * ({@link SrtpError#REPLAYED}) rather than encrypted twice.
     *
     * @return the length of the SRTP packet, or a negative {@link SrtpError} code
     */
    public int protectRtp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        requireInbound(false);
        int headerLength = rtpHeaderLength(buf, off, len);
        if (headerLength < 0) {
            return headerLength;
        }
        if (buf.length - off - len < profile.rtpAuthTagLength()) {
            return SrtpError.BUFFER_TOO_SMALL.code();
        }
        int seq = u16(buf, off + 2);
        int ssrc = i32(buf, off + 8);
        Stream stream = findOrAdd(ssrc);
        if (stream == null) {
            return SrtpError.UNKNOWN_SSRC_LIMIT.code();
        }
        long index = PacketIndex.estimate(stream.rtp.highest(), seq);
        if (index == PacketIndex.EXHAUSTED) {
            return SrtpError.KEY_EXHAUSTED.code();
        }
        if (index < 0 || !stream.rtp.isFresh(index)) {
            return SrtpError.REPLAYED.code();
        }
        int result = transform.protectRtp(buf, off, headerLength, len, ssrc, index);
        stream.rtp.markSeen(index);
        lastRtpIndex = index;
        return result;
    }

    // --------------------------------------------------------------------------------------------- SRTCP

    /**
     * Verifies an SRTCP packet and decrypts it in place if its E flag is set.
     *
     * @return the length of the plain compound RTCP packet (index and tag removed), or a negative {@link SrtpError}
     *     code
     */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        requireInbound(true);
        if (len < RTCP_HEADER + profile.rtcpProtectionOverhead()) {
            return SrtpError.TOO_SHORT.code();
        }
        if ((buf[off] & 0xC0) != 0x80) {
            return SrtpError.MALFORMED.code();
        }
        int word = i32(buf, off + transform.rtcpIndexOffset(len));
        boolean encrypted = word < 0;
        int srtcpIndex = word & MAX_SRTCP_INDEX;
        int ssrc = i32(buf, off + 4);
        Stream stream = find(ssrc);
        if (stream == null && streamCount == MAX_STREAMS) {
            return SrtpError.UNKNOWN_SSRC_LIMIT.code();
        }
        if (stream != null && !stream.rtcp.isFresh(srtcpIndex)) {
            return SrtpError.REPLAYED.code();
        }
        int result = transform.unprotectRtcp(buf, off, len, ssrc, srtcpIndex, encrypted);
        if (result < 0) {
            return result;
        }
        if (stream == null) {
            stream = add(ssrc);
        }
        stream.rtcp.markSeen(srtcpIndex);
        return result;
    }

    /**
     * Encrypts a compound RTCP packet in place (all but its first 8 bytes) and appends the E flag with the SRTCP
     * index and the tag; {@code buf} must have {@link SrtpProfile#rtcpProtectionOverhead()} bytes of room after
     * {@code off+len}. The SRTCP index of each sender SSRC starts at 0 and counts up.
     *
     * @return the length of the SRTCP packet, or a negative {@link SrtpError} code
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        requireInbound(false);
        if (len < RTCP_HEADER) {
            return SrtpError.TOO_SHORT.code();
        }
        if ((buf[off] & 0xC0) != 0x80) {
            return SrtpError.MALFORMED.code();
        }
        if (buf.length - off - len < profile.rtcpProtectionOverhead()) {
            return SrtpError.BUFFER_TOO_SMALL.code();
        }
        int ssrc = i32(buf, off + 4);
        Stream stream = findOrAdd(ssrc);
        if (stream == null) {
            return SrtpError.UNKNOWN_SSRC_LIMIT.code();
        }
        if (stream.nextSrtcpIndex > MAX_SRTCP_INDEX) {
            return SrtpError.KEY_EXHAUSTED.code();
        }
        int srtcpIndex = (int) stream.nextSrtcpIndex++;
        return transform.protectRtcp(buf, off, len, ssrc, srtcpIndex);
    }

    /** Sets the SRTCP index the next protected packet of {@code ssrc} will carry, for the RFC 7714 vectors. */
    void setNextSrtcpIndex(int ssrc, long index) {
        Stream stream = findOrAdd(ssrc);
        if (stream == null) {
            throw new IllegalStateException("stream limit reached");
        }
        stream.nextSrtcpIndex = index;
    }

    // ------------------------------------------------------------------------------------------ internals

    /**
     * Length of the RTP header (fixed part, CSRCs, header extension) within the first {@code len} bytes, or a negative
     * error code if it does not fit or is not version 2.
     */
    static int rtpHeaderLength(byte[] buf, int off, int len) {
        if (len < RTP_HEADER) {
            return SrtpError.TOO_SHORT.code();
        }
        int b0 = buf[off] & 0xFF;
        if ((b0 & 0xC0) != 0x80) {
            return SrtpError.MALFORMED.code();
        }
        int headerLength = RTP_HEADER + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (len < headerLength + 4) {
                return SrtpError.TOO_SHORT.code();
            }
            headerLength += 4 + 4 * u16(buf, off + headerLength + 2);
        }
        return headerLength <= len ? headerLength : SrtpError.TOO_SHORT.code();
    }

    private void requireInbound(boolean wanted) {
        if (inbound != wanted) {
            throw new IllegalStateException(inbound
                    ? "an inbound SRTP context cannot protect"
                    : "an outbound SRTP context cannot unprotect");
        }
    }

    private Stream find(int ssrc) {
        int hit = lastHit;
        if (hit < streamCount && ssrcs[hit] == ssrc) {
            return streams[hit];
        }
        for (int i = 0; i < streamCount; i++) {
            if (ssrcs[i] == ssrc) {
                lastHit = i;
                return streams[i];
            }
        }
        return null;
    }

    private Stream add(int ssrc) {
        Stream s = new Stream();
        ssrcs[streamCount] = ssrc;
        streams[streamCount] = s;
        lastHit = streamCount++;
        return s;
    }

    private Stream findOrAdd(int ssrc) {
        Stream s = find(ssrc);
        if (s == null && streamCount < MAX_STREAMS) {
            s = add(ssrc);
        }
        return s;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static int i32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** Per-SSRC state. */
    private static final class Stream {
        final ReplayWindow rtp = new ReplayWindow(RTP_REPLAY_WINDOW);
        final ReplayWindow rtcp = new ReplayWindow(RTCP_REPLAY_WINDOW);
        long nextSrtcpIndex;
    }
}
