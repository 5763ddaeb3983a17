package dev.ingot.rtc.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Builds STUN messages (RFC 8489 §5, §14; ICE attributes of RFC 8445 §7.1.1): call {@code begin…},
 * add attributes in order, optionally {@link #messageIntegrity} and {@link #fingerprint} last, then
 * {@link #toByteArray()}. Values are padded to 4 bytes with zeros. A writer can be reused (each
 * {@code begin…} starts over) so a responder allocates only the finished datagram; it is not
 * thread-safe.
 *
 * <p>The static factories build the messages an ICE-lite responder and our test publishers need.
 */
public final class StunMessageWriter {
    /** 400: malformed request (RFC 8489 §14.8). */
    public static final int BAD_REQUEST = 400;
    /** 401: missing or wrong credentials (RFC 8489 §14.8). */
    public static final int UNAUTHENTICATED = 401;
    /** 487: ICE role conflict (RFC 8445 §7.3.1.1). */
    public static final int ROLE_CONFLICT = 487;

    private byte[] buf = new byte[128];
    private int pos;
    private boolean integrityAdded;
    private boolean fingerprintAdded;
    private byte padding = 0;

    /** A writer; call a {@code begin…} method before adding attributes. */
    public StunMessageWriter() {
    }

    /**
     * Sets the byte used to pad values (default 0, as RFC 8489 §14 asks). RFC 5389 allowed any value;
     * the RFC 5769 test vectors use 0x20, and tests rebuild them with it.
     */
    StunMessageWriter padding(byte value) {
        this.padding = value;
        return this;
    }

    // ---- header ----

    /** Starts a message of the given class and method with the transaction id at {@code txId[txOff..+12)}. */
    public StunMessageWriter begin(StunClass cls, int method, byte[] txId, int txOff) {
        Objects.requireNonNull(cls, "cls");
        if ((method & ~0xFFF) != 0) {
            throw new IllegalArgumentException("method must fit in 12 bits");
        }
        Objects.checkFromIndexSize(txOff, StunMessage.TRANSACTION_ID_LENGTH, txId.length);
        pos = 0;
        integrityAdded = false;
        fingerprintAdded = false;
        writeShort(cls.messageType(method));
        writeShort(0);
        writeInt(StunMessage.MAGIC_COOKIE);
        System.arraycopy(txId, txOff, buf, pos, StunMessage.TRANSACTION_ID_LENGTH);
        pos += StunMessage.TRANSACTION_ID_LENGTH;
        return this;
    }

    /** Starts a message of the given class and method with a 12-byte transaction id. */
    public StunMessageWriter begin(StunClass cls, int method, byte[] txId) {
        if (txId.length != StunMessage.TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes");
        }
        return begin(cls, method, txId, 0);
    }

    /** Starts a response of the given class to {@code request}: same method, same transaction id. */
    public StunMessageWriter beginResponse(StunMessage request, StunClass cls) {
        return begin(cls, request.method(), request.buffer(), request.offset() + 8);
    }

    // ---- attributes ----

    /** Adds an attribute with the value {@code value[off, off+len)}, padded to 4 bytes. */
    public StunMessageWriter attribute(int type, byte[] value, int off, int len) {
        Objects.checkFromIndexSize(off, len, value.length);
        int start = attributeHeader(type, len);
        System.arraycopy(value, off, buf, start, len);
        pad(len);
        return this;
    }

    /** Adds an attribute with the whole of {@code value}. */
    public StunMessageWriter attribute(int type, byte[] value) {
        return attribute(type, value, 0, value.length);
    }

    /** Adds USERNAME (UTF-8). */
    public StunMessageWriter username(String username) {
        return attribute(StunAttribute.USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds SOFTWARE (UTF-8). */
    public StunMessageWriter software(String software) {
        return attribute(StunAttribute.SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds PRIORITY (unsigned 32 bits). */
    public StunMessageWriter priority(long priority) {
        if (priority < 0 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("priority must fit in 32 unsigned bits");
        }
        attributeHeader(StunAttribute.PRIORITY, 4);
        writeInt((int) priority);
        return this;
    }

    /** Adds USE-CANDIDATE. */
    public StunMessageWriter useCandidate() {
        attributeHeader(StunAttribute.USE_CANDIDATE, 0);
        return this;
    }

    /** Adds ICE-CONTROLLING with the given 64-bit tie-breaker. */
    public StunMessageWriter iceControlling(long tieBreaker) {
        attributeHeader(StunAttribute.ICE_CONTROLLING, 8);
        writeLong(tieBreaker);
        return this;
    }

    /** Adds ICE-CONTROLLED with the given 64-bit tie-breaker. */
    public StunMessageWriter iceControlled(long tieBreaker) {
        attributeHeader(StunAttribute.ICE_CONTROLLED, 8);
        writeLong(tieBreaker);
        return this;
    }

    /** Adds XOR-MAPPED-ADDRESS for an IPv4 or IPv6 address (RFC 8489 §14.2); must follow a {@code begin…}. */
    public StunMessageWriter xorMappedAddress(InetSocketAddress address) {
        InetAddress inet = address.getAddress();
        if (inet == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        byte[] ip = inet.getAddress();
        int start = attributeHeader(StunAttribute.XOR_MAPPED_ADDRESS, 4 + ip.length);
        buf[start] = 0;
        buf[start + 1] = (byte) (ip.length == 4 ? 1 : 2);
        int port = address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        buf[start + 2] = (byte) (port >>> 8);
        buf[start + 3] = (byte) port;
        for (int k = 0; k < ip.length; k++) {
            // XOR pad: magic cookie then transaction id, i.e. header bytes 4..19.
            buf[start + 4 + k] = (byte) (ip[k] ^ buf[4 + k]);
        }
        pos = start + 4 + ip.length;
        return this;
    }

    /** Adds ERROR-CODE (RFC 8489 §14.8): {@code code} in 300..699 and a UTF-8 reason phrase. */
    public StunMessageWriter errorCode(int code, String reason) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code must be in 300..699");
        }
        byte[] phrase = reason.getBytes(StandardCharsets.UTF_8);
        if (phrase.length > 763) {
            throw new IllegalArgumentException("reason phrase too long");
        }
        int start = attributeHeader(StunAttribute.ERROR_CODE, 4 + phrase.length);
        buf[start] = 0;
        buf[start + 1] = 0;
        buf[start + 2] = (byte) (code / 100);
        buf[start + 3] = (byte) (code % 100);
        System.arraycopy(phrase, 0, buf, start + 4, phrase.length);
        pad(4 + phrase.length);
        return this;
    }

    /**
     * Adds MESSAGE-INTEGRITY: HMAC-SHA1 under {@code key} of the message so far, with the length field
     * counting this attribute (RFC 8489 §14.5). Only FINGERPRINT may follow.
     */
    public StunMessageWriter messageIntegrity(MessageIntegrityKey key) {
        int at = attributeHeader(StunAttribute.MESSAGE_INTEGRITY, MessageIntegrityKey.HMAC_LENGTH) - 4;
        int lengthField = at + 4 + MessageIntegrityKey.HMAC_LENGTH - StunMessage.HEADER_LENGTH;
        key.compute(buf, 0, at, lengthField, buf, at + 4);
        pos = at + 4 + MessageIntegrityKey.HMAC_LENGTH;
        integrityAdded = true;
        return this;
    }

    /** Adds FINGERPRINT (RFC 8489 §14.7); it must be the last attribute. */
    public StunMessageWriter fingerprint() {
        int at = attributeHeader(StunAttribute.FINGERPRINT, 4) - 4;
        setLengthField(at + 8);
        int crc = StunMessage.fingerprint(buf, 0, at);
        pos = at + 4;
        writeInt(crc);
        fingerprintAdded = true;
        return this;
    }

    // ---- output ----

    /** Length of the message written so far. */
    public int length() {
        return pos;
    }

    /** A new array holding the message. */
    public byte[] toByteArray() {
        checkBegun();
        setLengthField(pos);
        return Arrays.copyOf(buf, pos);
    }

    /** Copies the message to {@code dst[dstOff..]} and returns its length. */
    public int writeTo(byte[] dst, int dstOff) {
        checkBegun();
        setLengthField(pos);
        System.arraycopy(buf, 0, dst, dstOff, pos);
        return pos;
    }

    // ---- factories ----

    /** A random 12-byte transaction id (pass a SecureRandom; RFC 8489 §6 wants it unpredictable). */
    public static byte[] newTransactionId(RandomGenerator rng) {
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        for (int i = 0; i < id.length; i += 4) {
            int r = rng.nextInt();
            id[i] = (byte) (r >>> 24);
            id[i + 1] = (byte) (r >>> 16);
            id[i + 2] = (byte) (r >>> 8);
            id[i + 3] = (byte) r;
        }
        return id;
    }

    /**
     * A Binding success response to {@code request}: XOR-MAPPED-ADDRESS of {@code mapped},
     * MESSAGE-INTEGRITY under {@code key} (skipped if null) and FINGERPRINT.
     */
    public static byte[] bindingSuccessResponse(StunMessage request, InetSocketAddress mapped, MessageIntegrityKey key) {
        StunMessageWriter w = new StunMessageWriter()
                .beginResponse(request, StunClass.SUCCESS_RESPONSE)
                .xorMappedAddress(mapped);
        if (key != null) {
            w.messageIntegrity(key);
        }
        return w.fingerprint().toByteArray();
    }

    /**
     * An error response to {@code request} with ERROR-CODE {@code code} and {@code reason},
     * MESSAGE-INTEGRITY under {@code key} if not null (RFC 8489 §9.1.3: none for 400 and 401), and
     * FINGERPRINT.
     */
    public static byte[] errorResponse(StunMessage request, int code, String reason, MessageIntegrityKey key) {
        StunMessageWriter w = new StunMessageWriter()
                .beginResponse(request, StunClass.ERROR_RESPONSE)
                .errorCode(code, reason);
        if (key != null) {
            w.messageIntegrity(key);
        }
        return w.fingerprint().toByteArray();
    }

    /**
     * An ICE connectivity check (RFC 8445 §7.1.1) from a controlling agent: a Binding request with
     * USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE if {@code nominate}, MESSAGE-INTEGRITY under
     * {@code key} and FINGERPRINT.
     *
     * @param username "remoteUfrag:localUfrag" as seen from the sender
     */
    public static byte[] iceBindingRequest(byte[] txId, String username, long priority, long tieBreaker,
                                           boolean nominate, MessageIntegrityKey key) {
        StunMessageWriter w = new StunMessageWriter()
                .begin(StunClass.REQUEST, StunMessage.METHOD_BINDING, txId)
                .username(username)
                .priority(priority)
                .iceControlling(tieBreaker);
        if (nominate) {
            w.useCandidate();
        }
        return w.messageIntegrity(key).fingerprint().toByteArray();
    }

    // ---- internals ----

    /** Writes an attribute header and returns where its value starts; pos is left there. */
    private int attributeHeader(int type, int valueLength) {
        checkBegun();
        if (fingerprintAdded) {
            throw new IllegalStateException("FINGERPRINT must be the last attribute");
        }
        if (integrityAdded && type != StunAttribute.FINGERPRINT) {
            throw new IllegalStateException("only FINGERPRINT may follow MESSAGE-INTEGRITY");
        }
        if ((type & ~0xFFFF) != 0 || valueLength > 0xFFFF) {
            throw new IllegalArgumentException("attribute type or length out of range");
        }
        int padded = (valueLength + 3) & ~3;
        if (pos - StunMessage.HEADER_LENGTH + 4 + padded > 0xFFFF) {
            throw new IllegalStateException("STUN message too long");
        }
        ensure(4 + padded);
        writeShort(type);
        writeShort(valueLength);
        return pos;
    }

    /** Pads a value of {@code valueLength} bytes that starts at pos to 4 bytes and moves pos past it. */
    private void pad(int valueLength) {
        int end = pos + valueLength;
        int padded = pos + ((valueLength + 3) & ~3);
        Arrays.fill(buf, end, padded, padding);
        pos = padded;
    }

    private void setLengthField(int messageLength) {
        int body = messageLength - StunMessage.HEADER_LENGTH;
        buf[2] = (byte) (body >>> 8);
        buf[3] = (byte) body;
    }

    private void checkBegun() {
        if (pos < StunMessage.HEADER_LENGTH) {
            throw new IllegalStateException("call begin first");
        }
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
        }
    }

    private void writeShort(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void writeInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }
}
