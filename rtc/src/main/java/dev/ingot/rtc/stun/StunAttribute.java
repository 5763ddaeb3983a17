package dev.ingot.rtc.stun;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One attribute of a parsed STUN message (RFC 8489 §14): its type and a slice of the message buffer
 * holding its value (without padding). Like {@link StunMessage}, it views the buffer it was parsed
 * from. Also holds the attribute type numbers this codec knows (RFC 8489 §18.3, RFC 8445 §16.1).
 */
public record StunAttribute(int type, byte[] buffer, int valueOffset, int valueLength) {
    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int PRIORITY = 0x0024;
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int ALTERNATE_SERVER = 0x8023;
    public static final int FINGERPRINT = 0x8028;
    public static final int ICE_CONTROLLED = 0x8029;
    public static final int ICE_CONTROLLING = 0x802A;

    /** A copy of the value bytes. */
    public byte[] value() {
        return Arrays.copyOfRange(buffer, valueOffset, valueOffset + valueLength);
    }

    /** A read-only view of the value bytes. */
    public ByteBuffer valueBuffer() {
        return ByteBuffer.wrap(buffer, valueOffset, valueLength).slice().asReadOnlyBuffer();
    }

    /** True for types 0x0000-0x7FFF, which an agent must understand to process the message (RFC 8489 §14). */
    public boolean comprehensionRequired() {
        return type < 0x8000;
    }

    @Override
    public String toString() {
        return "StunAttribute[type=0x%04x, length=%d]".formatted(type, valueLength);
    }
}
