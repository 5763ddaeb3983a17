package dev.ingot.rtc.srtp;

/**
 * The cryptographic part of SRTP/SRTCP for one profile and one direction's session keys: encryption and
 * authentication of a packet whose index is already known. Works in place; returns the new length or a negative
 * {@link SrtpError} code. The caller has checked lengths and room; indices and replay are the caller's business.
 */
sealed interface SrtpTransform permits AesCmHmacSha1Transform, AesGcmTransform {

    static SrtpTransform create(SrtpProfile profile, SrtpSessionKeys keys) {
        return profile.isAead()
                ? new AesGcmTransform(keys)
                : new AesCmHmacSha1Transform(keys, profile.rtpAuthTagLength(), profile.rtcpAuthTagLength());
    }

    /**
     * Encrypts the payload {@code [off+headerLength, off+len)} and appends the tag at {@code off+len}.
     *
     * @return the protected length
     */
    int protectRtp(byte[] buf, int off, int headerLength, int len, int ssrc, long index);

    /**
     * Verifies the tag at the end of {@code [off, off+len)} and decrypts the payload after {@code headerLength}.
     *
     * @return the plain RTP length, or {@link SrtpError#AUTH_FAILED}
     */
    int unprotectRtp(byte[] buf, int off, int headerLength, int len, int ssrc, long index);

    /**
     * Encrypts everything after the first 8 bytes of the compound RTCP packet and appends E|index and the tag.
     *
     * @return the protected length
     */
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex);

    /** Offset within a protected SRTCP packet of length {@code len} at which the 4-byte E|SRTCP index word sits. */
    int rtcpIndexOffset(int len);

    /**
     * Verifies a protected SRTCP packet and, if {@code encrypted} (the E flag), decrypts it.
     *
     * @return the plain RTCP length, or {@link SrtpError#AUTH_FAILED}
     */
    int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int srtcpIndex, boolean encrypted);

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
