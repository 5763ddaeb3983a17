package dev.ingot.rtc.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A parsed STUN message (RFC 8489 §5, §14; ICE attributes of RFC 8445 §16.1). It is a view of the
 * buffer it was parsed from: nothing is copied, so the message is only valid while that buffer is
 * left unchanged (do not keep it past the reuse of a receive buffer).
 *
 * <p>Parsing checks the header (leading zero bits, magic cookie, length a multiple of 4 and equal to
 * the datagram), the attribute framing and the sizes of the attributes this class reads. Following
 * RFC 8489 §14.5, attributes after MESSAGE-INTEGRITY other than FINGERPRINT are left out of
 * {@link #attributes()} and of every accessor; FINGERPRINT must be the last attribute (§14.7).
 * Unknown attributes are kept and otherwise ignored. When an attribute appears more than once,
 * accessors use its first occurrence.
 */
public final class StunMessage {
    /** The magic cookie (RFC 8489 §5). */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** The Binding method (RFC 8489 §18.2). */
    public static final int METHOD_BINDING = 0x001;
    /** Size of the STUN header in bytes. */
    public static final int HEADER_LENGTH = 20;
    /** Size of the transaction id in bytes. */
    public static final int TRANSACTION_ID_LENGTH = 12;

    static final int FINGERPRINT_XOR = 0x5354554e;

    private final byte[] buf;
    private final int off;
    private final int len;
    private final int messageType;
    /** Kept attributes as (type, value offset, value length) triples. */
    private final int[] table;
    private final int count;
    /** Offset of the MESSAGE-INTEGRITY attribute header, -1 if none. */
    private final int integrityAt;
    /** Offset of the FINGERPRINT attribute header, -1 if none. */
    private final int fingerprintAt;

    private StunMessage(byte[] buf, int off, int len, int messageType, int[] table, int count,
                        int integrityAt, int fingerprintAt) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.messageType = messageType;
        this.table = table;
        this.count = count;
        this.integrityAt = integrityAt;
        this.fingerprintAt = fingerprintAt;
    }

    /**
     * True when {@code buf[off, off+len)} starts like a STUN message: at least 20 bytes, a first byte
     * in the STUN range 0-3 of RFC 7983 §7 (stricter than the two zero bits {@link #parse} needs, and
     * what keeps DTLS, whose first byte is 20-63, out) and the magic cookie in place. Cheap; use it
     * to demultiplex STUN from DTLS and SRTP on one port.
     */
    public static boolean looksLikeStun(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < HEADER_LENGTH || off > buf.length - len) {
            return false;
        }
        return (buf[off] & 0xFC) == 0 && readInt(buf, off + 4) == MAGIC_COOKIE;
    }

    /**
     * Parses the STUN message that fills {@code buf[off, off+len)} exactly ({@code buf} not null).
     *
     * @throws StunParseException if the bytes (or the range) do not hold one well-formed STUN message;
     *     no other exception escapes for any bytes
     */
    public static StunMessage parse(byte[] buf, int off, int len) throws StunParseException {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new StunParseException("range outside buffer");
        }
        if (len < HEADER_LENGTH) {
            throw new StunParseException("shorter than a STUN header");
        }
        if ((buf[off] & 0xC0) != 0) {
            throw new StunParseException("top bits of message type not zero");
        }
        if (readInt(buf, off + 4) != MAGIC_COOKIE) {
            throw new StunParseException("no magic cookie");
        }
        int bodyLength = readShort(buf, off + 2);
        if ((bodyLength & 3) != 0) {
            throw new StunParseException("message length not a multiple of 4");
        }
        if (bodyLength != len - HEADER_LENGTH) {
            throw new StunParseException("message length does not match datagram");
        }
        int end = off + len;

        // Pass 1: check framing and count the attributes to keep.
        int kept = 0;
        int integrityAt = -1;
        int fingerprintAt = -1;
        int p = off + HEADER_LENGTH;
        while (p < end) {
            if (end - p < 4) {
                throw new StunParseException("truncated attribute header");
            }
            if (fingerprintAt >= 0) {
                throw new StunParseException("attribute after FINGERPRINT");
            }
            int type = readShort(buf, p);
            int valueLength = readShort(buf, p + 2);
            int padded = (valueLength + 3) & ~3;
            if (padded > end - p - 4) {
                throw new StunParseException("attribute overruns message");
            }
            checkSize(type, buf, p + 4, valueLength);
            if (type == StunAttribute.FINGERPRINT) {
                fingerprintAt = p;
                kept++;
            } else if (integrityAt < 0) {
                if (type == StunAttribute.MESSAGE_INTEGRITY) {
                    integrityAt = p;
                }
                kept++;
            } else if (type == StunAttribute.MESSAGE_INTEGRITY_SHA256) {
                kept++;
            }
            p += 4 + padded;
        }

        // Pass 2: fill the table (framing is known to be sound).
        int[] table = new int[kept * 3];
        int n = 0;
        boolean afterIntegrity = false;
        p = off + HEADER_LENGTH;
        while (p < end) {
            int type = readShort(buf, p);
            int valueLength = readShort(buf, p + 2);
            boolean keep = !afterIntegrity || type == StunAttribute.FINGERPRINT
                    || type == StunAttribute.MESSAGE_INTEGRITY_SHA256;
            if (keep) {
                table[n * 3] = type;
                table[n * 3 + 1] = p + 4;
                table[n * 3 + 2] = valueLength;
                n++;
            }
            if (p == integrityAt) {
                afterIntegrity = true;
            }
            p += 4 + ((valueLength + 3) & ~3);
        }
        return new StunMessage(buf, off, len, readShort(buf, off), table, n, integrityAt, fingerprintAt);
    }

    private static void checkSize(int type, byte[] buf, int valueAt, int valueLength) throws StunParseException {
        switch (type) {
            case StunAttribute.MESSAGE_INTEGRITY -> require(valueLength == 20, "MESSAGE-INTEGRITY length");
            case StunAttribute.FINGERPRINT, StunAttribute.PRIORITY -> require(valueLength == 4, "attribute length");
            case StunAttribute.USE_CANDIDATE -> require(valueLength == 0, "USE-CANDIDATE length");
            case StunAttribute.ICE_CONTROLLED, StunAttribute.ICE_CONTROLLING ->
                    require(valueLength == 8, "ICE-CONTROLLED/ICE-CONTROLLING length");
            case StunAttribute.ERROR_CODE -> require(valueLength >= 4, "ERROR-CODE length");
            case StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.MAPPED_ADDRESS -> {
                require(valueLength >= 4, "address attribute length");
                int family = buf[valueAt + 1] & 0xFF;
                require(family == 1 && valueLength == 8 || family == 2 && valueLength == 20,
                        "address family or length");
            }
            default -> { }
        }
    }

    private static void require(boolean ok, String what) throws StunParseException {
        if (!ok) {
            throw new StunParseException("bad " + what);
        }
    }

    // ---- header ----

    /** The message class (request, indication, success or error response). */
    public StunClass messageClass() {
        return StunClass.ofBits(((messageType >>> 4) & 1) | ((messageType >>> 7) & 2));
    }

    /** The 12-bit method, e.g. {@link #METHOD_BINDING}. */
    public int method() {
        return (messageType & 0x000F) | ((messageType >>> 1) & 0x0070) | ((messageType >>> 2) & 0x0F80);
    }

    /** True for a Binding request. */
    public boolean isBindingRequest() {
        return method() == METHOD_BINDING && messageClass() == StunClass.REQUEST;
    }

    /** A copy of the 12-byte transaction id. */
    public byte[] transactionId() {
        int at = off + 8;
        return Arrays.copyOfRange(buf, at, at + TRANSACTION_ID_LENGTH);
    }

    /** Copies the transaction id to {@code dst[dstOff..+12)}. */
    public void copyTransactionId(byte[] dst, int dstOff) {
        System.arraycopy(buf, off + 8, dst, dstOff, TRANSACTION_ID_LENGTH);
    }

    /** True when this message's transaction id equals the 12 bytes of {@code id} (e.g. to match a response). */
    public boolean hasTransactionId(byte[] id) {
        return id.length == TRANSACTION_ID_LENGTH
                && Arrays.equals(buf, off + 8, off + 8 + TRANSACTION_ID_LENGTH, id, 0, TRANSACTION_ID_LENGTH);
    }

    /** The buffer this message views. */
    public byte[] buffer() {
        return buf;
    }

    /** Offset of the message in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** Length of the whole message (header included). */
    public int length() {
        return len;
    }

    // ---- attributes ----

    /** Number of attributes kept (see the class comment for which are left out). */
    public int attributeCount() {
        return count;
    }

    /** The attribute at {@code index} in message order, 0 ≤ index &lt; {@link #attributeCount()}. */
    public StunAttribute attribute(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(index);
        }
        return new StunAttribute(table[index * 3], buf, table[index * 3 + 1], table[index * 3 + 2]);
    }

    /** All kept attributes in message order. */
    public List<StunAttribute> attributes() {
        List<StunAttribute> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(attribute(i));
        }
        return list;
    }

    /** The first attribute of the given type, or null. */
    public StunAttribute find(int type) {
        int i = indexOf(type);
        return i < 0 ? null : attribute(i);
    }

    /** Index of the first attribute of the given type, or -1. */
    public int indexOf(int type) {
        for (int i = 0; i < count; i++) {
            if (table[i * 3] == type) {
                return i;
            }
        }
        return -1;
    }

    /** True if an attribute of the given type is present. */
    public boolean has(int type) {
        return indexOf(type) >= 0;
    }

    private int valueAt(int index) {
        return table[index * 3 + 1];
    }

    private int valueLength(int index) {
        return table[index * 3 + 2];
    }

    // ---- convenience accessors ----

    /** The USERNAME (decoded as UTF-8), or null if absent. */
    public String username() {
        int i = indexOf(StunAttribute.USERNAME);
        return i < 0 ? null : new String(buf, valueAt(i), valueLength(i), StandardCharsets.UTF_8);
    }

    /** True when USERNAME is present and its bytes equal {@code expected}. Allocates nothing. */
    public boolean usernameEquals(byte[] expected) {
        int i = indexOf(StunAttribute.USERNAME);
        return i >= 0 && valueLength(i) == expected.length
                && Arrays.equals(buf, valueAt(i), valueAt(i) + expected.length, expected, 0, expected.length);
    }

    /** True when USERNAME is present and starts with the bytes of {@code prefix}. Allocates nothing. */
    public boolean usernameStartsWith(byte[] prefix) {
        int i = indexOf(StunAttribute.USERNAME);
        return i >= 0 && valueLength(i) >= prefix.length
                && Arrays.equals(buf, valueAt(i), valueAt(i) + prefix.length, prefix, 0, prefix.length);
    }

    /** The PRIORITY value (unsigned 32 bits), or -1 if absent. */
    public long priority() {
        int i = indexOf(StunAttribute.PRIORITY);
        return i < 0 ? -1 : readInt(buf, valueAt(i)) & 0xFFFFFFFFL;
    }

    /** True if USE-CANDIDATE is present. */
    public boolean useCandidate() {
        return has(StunAttribute.USE_CANDIDATE);
    }

    /** True if ICE-CONTROLLING is present. */
    public boolean iceControlling() {
        return has(StunAttribute.ICE_CONTROLLING);
    }

    /** True if ICE-CONTROLLED is present. */
    public boolean iceControlled() {
        return has(StunAttribute.ICE_CONTROLLED);
    }

    /**
     * The 64-bit tie-breaker of ICE-CONTROLLING, else of ICE-CONTROLLED (compare as unsigned), or 0
     * when neither is present.
     */
    public long tieBreaker() {
        int i = indexOf(StunAttribute.ICE_CONTROLLING);
        if (i < 0) {
            i = indexOf(StunAttribute.ICE_CONTROLLED);
        }
        return i < 0 ? 0 : readLong(buf, valueAt(i));
    }

    /** The XOR-MAPPED-ADDRESS (IPv4 or IPv6, RFC 8489 §14.2), or null if absent. */
    public InetSocketAddress xorMappedAddress() {
        int i = indexOf(StunAttribute.XOR_MAPPED_ADDRESS);
        if (i < 0) {
            return null;
        }
        int v = valueAt(i);
        int port = readShort(buf, v + 2) ^ (MAGIC_COOKIE >>> 16);
        byte[] address = new byte[valueLength(i) - 4];
        for (int k = 0; k < address.length; k++) {
            // The XOR pad is the magic cookie followed by the transaction id: header bytes 4..19.
            address[k] = (byte) (buf[v + 4 + k] ^ buf[off + 4 + k]);
        }
        return new InetSocketAddress(inetAddress(address), port);
    }

    /** The ERROR-CODE as a number such as 401 (class × 100 + number, RFC 8489 §14.8), or -1 if absent. */
    public int errorCode() {
        int i = indexOf(StunAttribute.ERROR_CODE);
        if (i < 0) {
            return -1;
        }
        int v = valueAt(i);
        return (buf[v + 2] & 0x07) * 100 + (buf[v + 3] & 0xFF);
    }

    /** The reason phrase of ERROR-CODE, or null if absent. */
    public String errorReason() {
        int i = indexOf(StunAttribute.ERROR_CODE);
        return i < 0 ? null : new String(buf, valueAt(i) + 4, valueLength(i) - 4, StandardCharsets.UTF_8);
    }

    // ---- integrity and fingerprint ----

    /** True if a MESSAGE-INTEGRITY attribute is present. */
    public boolean hasMessageIntegrity() {
        return integrityAt >= 0;
    }

    /** True if a FINGERPRINT attribute is present. */
    public boolean hasFingerprint() {
        return fingerprintAt >= 0;
    }

    /**
     * True when MESSAGE-INTEGRITY is present and is the HMAC-SHA1, under {@code key}, of the message up
     * to that attribute with the length field counting up to its end (RFC 8489 §14.5). The comparison
     * takes constant time. Allocates nothing.
     */
    public boolean hasValidMessageIntegrity(MessageIntegrityKey key) {
        if (integrityAt < 0) {
            return false;
        }
        int covered = integrityAt - off;
        int lengthField = covered + 4 + MessageIntegrityKey.HMAC_LENGTH - HEADER_LENGTH;
        return key.verify(buf, off, covered, lengthField, buf, integrityAt + 4);
    }

    /** Like {@link #hasValidMessageIntegrity(MessageIntegrityKey)} with a key given as raw bytes. */
    public boolean hasValidMessageIntegrity(byte[] key) {
        return integrityAt >= 0 && hasValidMessageIntegrity(new MessageIntegrityKey(key));
    }

    /**
     * True when FINGERPRINT is present and equals the CRC-32 of the message before it XOR 0x5354554e
     * (RFC 8489 §14.7).
     */
    public boolean hasValidFingerprint() {
        if (fingerprintAt < 0) {
            return false;
        }
        return readInt(buf, fingerprintAt + 4) == fingerprint(buf, off, fingerprintAt - off);
    }

    /** The FINGERPRINT value for {@code buf[off, off+len)}. */
    static int fingerprint(byte[] buf, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(buf, off, len);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StunMessage[")
                .append(messageClass()).append(" method=0x").append(Integer.toHexString(method()))
                .append(" length=").append(len).append(" attributes=");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ",").append(String.format("0x%04x", table[i * 3]));
        }
        return sb.append(']').toString();
    }

    // ---- byte helpers ----

    static int readShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static long readLong(byte[] b, int at) {
        return ((long) readInt(b, at) << 32) | (readInt(b, at + 4) & 0xFFFFFFFFL);
    }

    private static InetAddress inetAddress(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            // Unreachable: parse() only admits 4- and 16-byte addresses.
            throw new IllegalStateException(e);
        }
    }
}
