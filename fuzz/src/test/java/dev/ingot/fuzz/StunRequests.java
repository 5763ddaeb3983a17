package dev.ingot.fuzz;

import dev.ingot.rtc.ice.IceCredentials;
import dev.ingot.rtc.stun.MessageIntegrityKey;
import dev.ingot.rtc.stun.StunAttribute;
import dev.ingot.rtc.stun.StunClass;
import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunMessageWriter;
import java.nio.charset.StandardCharsets;

/**
 * Builds STUN messages that get past the integrity and fingerprint checks a fuzzer cannot forge: the fuzzer picks
 * class, method, USERNAME, ICE attributes, one raw attribute and which key signs, and this class computes
 * MESSAGE-INTEGRITY and FINGERPRINT (or deliberately breaks them).
 */
final class StunRequests {
    private StunRequests() {
    }

    /** Reads one message description from {@code in} and returns the encoded message. */
    static byte[] build(FuzzBytes in) {
        int flags = in.u16();
        StunClass cls = (flags & 0x0300) == 0 ? StunClass.REQUEST : StunClass.values()[(flags >>> 8) & 3];
        int method = (flags & 0x0400) == 0 ? StunMessage.METHOD_BINDING : in.u16() & 0xFFF;
        StunMessageWriter w = new StunMessageWriter().begin(cls, method, transactionId(in));
        switch (flags & 7) {
            case 0 -> w.username(Fixtures.LOCAL_ICE.ufrag() + ":" + Fixtures.REMOTE_UFRAG);
            case 1 -> w.username(Fixtures.RESTART_ICE.ufrag() + ":" + Fixtures.REMOTE_UFRAG);
            case 2 -> w.username(Fixtures.LOCAL_ICE.ufrag() + ":" + new String(in.chunkOf(32), StandardCharsets.UTF_8));
            case 3 -> w.username(Fixtures.LOCAL_ICE.ufrag());
            case 4 -> w.attribute(StunAttribute.USERNAME, in.chunkOf(64));
            default -> {
                // no USERNAME
            }
        }
        if ((flags & 0x08) != 0) {
            w.priority(in.u32());
        }
        if ((flags & 0x10) != 0) {
            w.useCandidate();
        }
        if ((flags & 0x20) != 0) {
            w.iceControlling(in.u32() << 32 | in.u32());
        }
        if ((flags & 0x40) != 0) {
            w.iceControlled(in.u32() << 32 | in.u32());
        }
        if ((flags & 0x80) != 0) {
            w.attribute(in.u16(), in.chunkOf(64));
        }
        int signing = in.u8();
        switch (signing & 3) {
            case 0 -> w.messageIntegrity(key(Fixtures.LOCAL_ICE));
            case 1 -> w.messageIntegrity(key(Fixtures.RESTART_ICE));
            case 2 -> w.messageIntegrity(MessageIntegrityKey.shortTerm("wrongPasswordOf24Chars++"));
            default -> {
                // unsigned
            }
        }
        if ((signing & 4) == 0) {
            w.fingerprint();
        }
        byte[] out = w.toByteArray();
        if ((signing & 8) != 0 && out.length > 20) {
            out[out.length - 1] ^= 1; // breaks FINGERPRINT, or MESSAGE-INTEGRITY when last
        }
        return out;
    }

    private static byte[] transactionId(FuzzBytes in) {
        return java.util.Arrays.copyOf(in.bytes(12), 12);
    }

    static MessageIntegrityKey key(IceCredentials credentials) {
        return MessageIntegrityKey.shortTerm(credentials.pwd());
    }
}
