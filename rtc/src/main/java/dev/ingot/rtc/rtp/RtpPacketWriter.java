package dev.ingot.rtc.rtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds RTP packets (RFC 3550 §5.1) into a caller's buffer: fixed header, CSRCs, RFC 8285 header
 * extensions and RFC 3550 padding. Meant for tests and our own publisher tool.
 *
 * <p>Extensions use the one-byte form ({@code 0xBEDE}) when every element has id 1..14 and 1..16
 * bytes of data, otherwise the two-byte form ({@code 0x1000}). Set fields, then call {@link #write};
 * the writer keeps its settings so consecutive packets only change what differs. Not thread-safe.
 */
public final class RtpPacketWriter {

    private static final int MAX_EXTENSIONS = 16;

    private int payloadType;
    private boolean marker;
    private int sequenceNumber;
    private long timestamp;
    private long ssrc;
    private long[] csrcs = new long[0];
    private final int[] extensionIds = new int[MAX_EXTENSIONS];
    private final byte[][] extensionData = new byte[MAX_EXTENSIONS][];
    private int extensionCount;
    private int paddingLength;

    public RtpPacketWriter payloadType(int pt) {
        if (pt < 0 || pt > 127) {
            throw new IllegalArgumentException("payload type out of range: " + pt);
        }
        this.payloadType = pt;
        return this;
    }

    public RtpPacketWriter marker(boolean marker) {
        this.marker = marker;
        return this;
    }

    /** Sets the sequence number; only the low 16 bits are written. */
    public RtpPacketWriter sequenceNumber(int seq) {
        this.sequenceNumber = seq & 0xFFFF;
        return this;
    }

    /** Sets the timestamp; only the low 32 bits are written. */
    public RtpPacketWriter timestamp(long ts) {
        this.timestamp = ts & 0xFFFF_FFFFL;
        return this;
    }

    /** Sets the SSRC; only the low 32 bits are written. */
    public RtpPacketWriter ssrc(long ssrc) {
        this.ssrc = ssrc & 0xFFFF_FFFFL;
        return this;
    }

    /** Sets the CSRC list (at most 15 entries). */
    public RtpPacketWriter csrcs(long... csrcs) {
        if (csrcs.length > 15) {
            throw new IllegalArgumentException("at most 15 CSRCs, got " + csrcs.length);
        }
        this.csrcs = csrcs.clone();
        return this;
    }

    /**
     * Adds (or replaces) the header extension element {@code id} (1..255) carrying {@code data}
     * (0..255 bytes; 0 bytes or id above 14 or more than 16 bytes force the two-byte form).
     */
    public RtpPacketWriter extension(int id, byte[] data) {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id out of range: " + id);
        }
        if (data.length > 255) {
            throw new IllegalArgumentException("extension data longer than 255 bytes");
        }
        for (int i = 0; i < extensionCount; i++) {
            if (extensionIds[i] == id) {
                extensionData[i] = data.clone();
                return this;
            }
        }
        if (extensionCount == MAX_EXTENSIONS) {
            throw new IllegalArgumentException("at most " + MAX_EXTENSIONS + " extensions");
        }
        extensionIds[extensionCount] = id;
        extensionData[extensionCount] = data.clone();
        extensionCount++;
        return this;
    }

    /** Adds a {@code sdes:mid} element (RFC 8843 §15). */
    public RtpPacketWriter mid(int id, String mid) {
        return extension(id, mid.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds an abs-send-time element (24 bits, 6.18 fixed-point seconds). */
    public RtpPacketWriter absSendTime(int id, int value24) {
        return extension(id, new byte[] {(byte) (value24 >>> 16), (byte) (value24 >>> 8), (byte) value24});
    }

    /** Adds a transport-wide sequence number element (16 bits). */
    public RtpPacketWriter transportSequenceNumber(int id, int seq) {
        return extension(id, new byte[] {(byte) (seq >>> 8), (byte) seq});
    }

    /** Removes every header extension element. */
    public RtpPacketWriter clearExtensions() {
        Arrays.fill(extensionData, null);
        extensionCount = 0;
        return this;
    }

    /** Appends {@code n} padding bytes (0 for none, else 1..255) and sets the P bit when n > 0. */
    public RtpPacketWriter padding(int n) {
        if (n < 0 || n > 255) {
            throw new IllegalArgumentException("padding out of range: " + n);
        }
        this.paddingLength = n;
        return this;
    }

    private boolean needsTwoByteForm() {
        for (int i = 0; i < extensionCount; i++) {
            int n = extensionData[i].length;
            if (extensionIds[i] > 14 || n == 0 || n > 16) {
                return true;
            }
        }
        return false;
    }

    private int extensionBlockLength() {
        if (extensionCount == 0) {
            return 0;
        }
        int perElement = needsTwoByteForm() ? 2 : 1;
        int n = 0;
        for (int i = 0; i < extensionCount; i++) {
            n += perElement + extensionData[i].length;
        }
        return 4 + ((n + 3) & ~3);
    }

    /** Bytes {@link #write} produces for a payload of {@code payloadLength} bytes. */
    public int packetLength(int payloadLength) {
        return RtpPacket.FIXED_HEADER_LENGTH + 4 * csrcs.length + extensionBlockLength() + payloadLength
                + paddingLength;
    }

    /**
     * Writes the packet into {@code out} at {@code outOff}.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException when {@code out} has no room for it
     */
    public int write(byte[] payload, int payloadOff, int payloadLen, byte[] out, int outOff) {
        int total = packetLength(payloadLen);
        if (outOff < 0 || total > out.length - outOff) {
            throw new IllegalArgumentException("buffer too small: need " + total + " bytes");
        }
        boolean hasExtension = extensionCount > 0;
        int p = outOff;
        out[p++] = (byte) (0x80 | (paddingLength > 0 ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | csrcs.length);
        out[p++] = (byte) ((marker ? 0x80 : 0) | payloadType);
        p = putU16(out, p, sequenceNumber);
        p = putU32(out, p, timestamp);
        p = putU32(out, p, ssrc);
        for (long c : csrcs) {
            p = putU32(out, p, c);
        }
        if (hasExtension) {
            boolean twoByte = needsTwoByteForm();
            int blockLength = extensionBlockLength();
            p = putU16(out, p, twoByte ? RtpPacket.TWO_BYTE_PROFILE : RtpPacket.ONE_BYTE_PROFILE);
            p = putU16(out, p, (blockLength - 4) / 4);
            int end = p + blockLength - 4;
            for (int i = 0; i < extensionCount; i++) {
                byte[] d = extensionData[i];
                if (twoByte) {
                    out[p++] = (byte) extensionIds[i];
                    out[p++] = (byte) d.length;
                } else {
                    out[p++] = (byte) ((extensionIds[i] << 4) | (d.length - 1));
                }
                System.arraycopy(d, 0, out, p, d.length);
                p += d.length;
            }
            while (p < end) {
                out[p++] = 0;
            }
        }
        System.arraycopy(payload, payloadOff, out, p, payloadLen);
        p += payloadLen;
        if (paddingLength > 0) {
            for (int i = 0; i < paddingLength - 1; i++) {
                out[p++] = 0;
            }
            out[p++] = (byte) paddingLength;
        }
        return p - outOff;
    }

    /** Writes the packet into a new array of exactly the right size. */
    public byte[] toBytes(byte[] payload) {
        byte[] out = new byte[packetLength(payload.length)];
        write(payload, 0, payload.length, out, 0);
        return out;
    }

    private static int putU16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
        return p + 2;
    }

    private static int putU32(byte[] b, int p, long v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }
}
