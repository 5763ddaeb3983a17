package dev.ingot.rtc.rtp;

import java.nio.charset.StandardCharsets;

/**
 * A reusable, mutable view of one RTP packet (RFC 3550 §5.1) held in a caller's byte array, with
 * RFC 8285 header extension lookup (one-byte {@code 0xBEDE} and two-byte {@code 0x100X} forms).
 *
 * <p>{@link #wrap} validates the fixed header, CSRC list, extension block and padding against the
 * bytes present and copies nothing; the view stays valid only while the caller leaves the bytes
 * alone. Unsigned 32-bit fields (timestamp, SSRC, CSRC) are returned as non-negative {@code long}s.
 * One instance per thread; not thread-safe.
 */
public final class RtpPacket {

    /** Length of the fixed RTP header (RFC 3550 §5.1). */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** Largest packet {@link #wrap} accepts: RTP over UDP (or RFC 4571 framing) cannot exceed it. */
    public static final int MAX_PACKET_LENGTH = 0xFFFF;
    /** The "defined by profile" value of the RFC 8285 §4.2 one-byte header form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** The RFC 8285 §4.3 two-byte header form: {@code 0x100} followed by 4 application bits. */
    public static final int TWO_BYTE_PROFILE = 0x1000;
    /** Mask that, applied to the profile field, identifies the two-byte form. */
    public static final int TWO_BYTE_PROFILE_MASK = 0xFFF0;
    /** What {@link #findExtension} returns when the element is absent. */
    public static final int NOT_FOUND = -1;

    private byte[] buf;
    private int off;
    private int len;
    private int csrcCount;
    private int headerLength;
    private int extensionProfile;
    /** Absolute offset of the first extension element, or -1 without an extension block. */
    private int extensionStart;
    private int extensionEnd;
    private int paddingLength;

    /**
     * Points this view at {@code len} bytes of {@code buf} starting at {@code off}.
     *
     * @return {@code true} when they hold a well-formed RTP version 2 packet; on {@code false} the
     *     view is cleared and its accessors must not be used
     */
    public boolean wrap(byte[] buf, int off, int len) {
        clear();
        if (buf == null || off < 0 || len < FIXED_HEADER_LENGTH || len > MAX_PACKET_LENGTH
                || off > buf.length - len) {
            return false;
        }
        int b0 = buf[off] & 0xFF;
        if ((b0 >>> 6) != 2) {
            return false;
        }
        int cc = b0 & 0x0F;
        int pos = FIXED_HEADER_LENGTH + 4 * cc;
        if (pos > len) {
            return false;
        }
        int extProfile = 0;
        int extStart = -1;
        int extEnd = -1;
        if ((b0 & 0x10) != 0) {
            if (pos + 4 > len) {
                return false;
            }
            extProfile = readU16(buf, off + pos);
            int extWords = readU16(buf, off + pos + 2);
            int extBytes = 4 * extWords;
            if (pos + 4 + extBytes > len) {
                return false;
            }
            extStart = off + pos + 4;
            extEnd = extStart + extBytes;
            pos += 4 + extBytes;
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            padding = buf[off + len - 1] & 0xFF;
            if (padding == 0 || padding > len - pos) {
                return false;
            }
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.csrcCount = cc;
        this.headerLength = pos;
        this.extensionProfile = extProfile;
        this.extensionStart = extStart;
        this.extensionEnd = extEnd;
        this.paddingLength = padding;
        return true;
    }

    private void clear() {
        buf = null;
        off = 0;
        len = 0;
        csrcCount = 0;
        headerLength = 0;
        extensionProfile = 0;
        extensionStart = -1;
        extensionEnd = -1;
        paddingLength = 0;
    }

    /**
     * RFC 5761 §4 demultiplexing: an RTP packet (version 2, at least a fixed header) whose second
     * byte is not in 192..223, the range RTCP packet types occupy.
     */
    public static boolean looksLikeRtp(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < FIXED_HEADER_LENGTH || off > buf.length - len) {
            return false;
        }
        int b1 = buf[off + 1] & 0xFF;
        return (buf[off] & 0xC0) == 0x80 && (b1 < 192 || b1 > 223);
    }

    /**
     * RFC 5761 §4 demultiplexing: an RTCP packet (version 2, at least the 4-byte common header)
     * whose second byte, the packet type, is in 192..223.
     */
    public static boolean looksLikeRtcp(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 4 || off > buf.length - len) {
            return false;
        }
        int b1 = buf[off + 1] & 0xFF;
        return (buf[off] & 0xC0) == 0x80 && b1 >= 192 && b1 <= 223;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Offset of the packet's first byte in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** Whole packet length, padding included. */
    public int length() {
        return len;
    }

    public int version() {
        return (buf[off] & 0xFF) >>> 6;
    }

    public boolean padding() {
        return (buf[off] & 0x20) != 0;
    }

    public boolean extension() {
        return (buf[off] & 0x10) != 0;
    }

    public int csrcCount() {
        return csrcCount;
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7F;
    }

    /** The 16-bit sequence number, 0..65535. */
    public int sequenceNumber() {
        return readU16(buf, off + 2);
    }

    /** The 32-bit RTP timestamp, unsigned, 0..2^32-1. */
    public long timestamp() {
        return readU32(buf, off + 4);
    }

    /** The SSRC, unsigned, 0..2^32-1. */
    public long ssrc() {
        return readU32(buf, off + 8);
    }

    /** The CSRC at {@code index} (0-based, below {@link #csrcCount()}), unsigned. */
    public long csrc(int index) {
        if (index < 0 || index >= csrcCount) {
            throw new IndexOutOfBoundsException(index);
        }
        return readU32(buf, off + FIXED_HEADER_LENGTH + 4 * index);
    }

    /** Fixed header, CSRCs and extension block: the payload's offset from the packet start. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload length, padding excluded. */
    public int payloadLength() {
        return len - headerLength - paddingLength;
    }

    /** Number of padding bytes at the end (0 without the P bit). */
    public int paddingLength() {
        return paddingLength;
    }

    /** The extension block's 16-bit "defined by profile" field, or 0 without one. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Length of the extension block's data (after its 4-byte header); 0 without one. */
    public int extensionDataLength() {
        return extensionStart < 0 ? 0 : extensionEnd - extensionStart;
    }

    /**
     * Finds the RFC 8285 header extension element with local identifier {@code id} (1..14 in the
     * one-byte form, 1..255 in the two-byte form).
     *
     * <p>Returns {@link #NOT_FOUND} when there is no extension block, the block uses another
     * profile, the element is absent, or the element list is malformed before it is reached.
     * Otherwise returns a handle that packs the data's offset from the packet start and its length;
     * take it apart with {@link #extensionOffset(int)} and {@link #extensionLength(int)}.
     */
    public int findExtension(int id) {
        if (extensionStart < 0 || id <= 0 || id > 255) {
            return NOT_FOUND;
        }
        if (extensionProfile == ONE_BYTE_PROFILE) {
            if (id > 14) {
                return NOT_FOUND;
            }
            int p = extensionStart;
            while (p < extensionEnd) {
                int b = buf[p] & 0xFF;
                int elementId = b >>> 4;
                if (elementId == 0) { // padding byte (RFC 8285 §4.2)
                    p++;
                    continue;
                }
                if (elementId == 15) { // reserved: stop processing (RFC 8285 §4.2)
                    return NOT_FOUND;
                }
                int elementLength = (b & 0x0F) + 1;
                int data = p + 1;
                if (data + elementLength > extensionEnd) {
                    return NOT_FOUND;
                }
                if (elementId == id) {
                    return handle(data, elementLength);
                }
                p = data + elementLength;
            }
            return NOT_FOUND;
        }
        if ((extensionProfile & TWO_BYTE_PROFILE_MASK) == TWO_BYTE_PROFILE) {
            int p = extensionStart;
            while (p < extensionEnd) {
                int elementId = buf[p] & 0xFF;
                if (elementId == 0) { // padding byte (RFC 8285 §4.3)
                    p++;
                    continue;
                }
                if (p + 2 > extensionEnd) {
                    return NOT_FOUND;
                }
                int elementLength = buf[p + 1] & 0xFF;
                int data = p + 2;
                if (data + elementLength > extensionEnd) {
                    return NOT_FOUND;
                }
                if (elementId == id) {
                    return handle(data, elementLength);
                }
                p = data + elementLength;
            }
        }
        return NOT_FOUND;
    }

    private int handle(int absoluteDataOffset, int length) {
        return ((absoluteDataOffset - off) << 8) | length;
    }

    /** Offset of an element's data from the packet start, given a {@link #findExtension} handle. */
    public static int extensionOffset(int handle) {
        return handle >>> 8;
    }

    /** Length of an element's data (0..255), given a {@link #findExtension} handle. */
    public static int extensionLength(int handle) {
        return handle & 0xFF;
    }

    /**
     * Reads a string-valued extension such as {@code urn:ietf:params:rtp-hdrext:sdes:mid}
     * (RFC 8843 §15) or the RID extensions (RFC 8852) as UTF-8.
     *
     * @return the text, or {@code null} when the element is absent
     */
    public String readStringExtension(int id) {
        int h = findExtension(id);
        if (h == NOT_FOUND) {
            return null;
        }
        return new String(buf, off + extensionOffset(h), extensionLength(h), StandardCharsets.UTF_8);
    }

    /** The {@code sdes:mid} value (RFC 8843 §15) under the negotiated id, or {@code null}. */
    public String mid(int id) {
        return readStringExtension(id);
    }

    /**
     * The 24-bit abs-send-time value (6.18 fixed-point seconds, webrtc.org
     * {@code http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time}), or -1 when absent or not
     * 3 bytes long.
     */
    public int absSendTime(int id) {
        int h = findExtension(id);
        if (h == NOT_FOUND || extensionLength(h) != 3) {
            return -1;
        }
        int p = off + extensionOffset(h);
        return ((buf[p] & 0xFF) << 16) | ((buf[p + 1] & 0xFF) << 8) | (buf[p + 2] & 0xFF);
    }

    /**
     * The 16-bit transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01
     * §2; the transport-wide-cc-02 form with 2 more bytes is accepted too), or -1 when absent.
     */
    public int transportSequenceNumber(int id) {
        int h = findExtension(id);
        if (h == NOT_FOUND || extensionLength(h) < 2) {
            return -1;
        }
        return readU16(buf, off + extensionOffset(h));
    }

    static int readU16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    static long readU32(byte[] b, int p) {
        return ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8)
                | (b[p + 3] & 0xFF);
    }

    @Override
    public String toString() {
        if (buf == null) {
            return "RtpPacket[unwrapped]";
        }
        return "RtpPacket[pt=" + payloadType() + " seq=" + sequenceNumber() + " ts=" + timestamp()
                + " ssrc=" + ssrc() + " m=" + marker() + " payload=" + payloadLength() + "]";
    }
}
