package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.srtp.SrtpContext;
import dev.ingot.rtc.srtp.SrtpError;
import dev.ingot.rtc.srtp.SrtpMasterKey;
import dev.ingot.rtc.srtp.SrtpProfile;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * SRTP/SRTCP (RFC 3711, RFC 7714) unprotection: on any bytes {@link SrtpContext#unprotectRtp} and
 * {@link SrtpContext#unprotectRtcp} return a negative {@link SrtpError} code or a length within the packet, and never
 * throw. Interleaved with forged datagrams, the harness protects fuzzer-chosen packets with the sender's context and
 * checks that they unprotect to exactly what was protected, that a replay is refused and that a packet changed in
 * one byte is refused.
 */
class SrtpFuzzTest {
    private static final int MAX_PACKET = 1400;

    @FuzzTest
    void unprotect(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        SrtpProfile profile = SrtpProfile.values()[in.u8() % SrtpProfile.values().length];
        SplittableRandom keys = new SplittableRandom(42);
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        keys.nextBytes(key);
        keys.nextBytes(salt);
        SrtpMasterKey master = new SrtpMasterKey(key, salt);
        SrtpContext sender = SrtpContext.outbound(profile, master);
        SrtpContext receiver = SrtpContext.inbound(profile, master);

        byte[] last = null;
        boolean lastIsRtcp = false;
        int steps = 0;
        while (in.hasMore() && steps++ < 256) {
            int op = in.u8();
            switch (op & 7) {
                case 0, 1 -> unprotectRaw(receiver, in.chunk(), (op & 1) != 0, op >>> 3);
                case 2, 3 -> {
                    boolean rtcp = (op & 1) != 0;
                    byte[] protectedPacket = protectAndCheck(sender, receiver, in.chunk(), rtcp);
                    if (protectedPacket != null) {
                        last = protectedPacket;
                        lastIsRtcp = rtcp;
                    }
                }
                case 4 -> {
                    if (last != null) {
                        byte[] again = last.clone();
                        int n = unprotect(receiver, again, 0, again.length, lastIsRtcp);
                        assertThat(n).as("a replayed packet is refused").isNegative();
                    }
                }
                case 5 -> {
                    if (last != null) {
                        byte[] changed = last.clone();
                        changed[in.u16() % changed.length] ^= (byte) Math.max(1, in.u8());
                        int n = unprotect(receiver, changed, 0, changed.length, lastIsRtcp);
                        assertThat(n).as("a changed packet is refused").isNegative();
                    }
                }
                default -> unprotectRaw(receiver, in.chunk(), (op & 8) != 0, op >>> 4);
            }
            receiver.streamCount();
            receiver.lastRtpIndex();
        }
    }

    /** Forged bytes at an offset inside a larger buffer. */
    private static void unprotectRaw(SrtpContext receiver, byte[] packet, boolean rtcp, int offset) {
        byte[] buf = new byte[offset + packet.length + 8];
        System.arraycopy(packet, 0, buf, offset, packet.length);
        int n = unprotect(receiver, buf, offset, packet.length, rtcp);
        if (n < 0) {
            assertThat(SrtpError.fromCode(n)).isNotNull();
        } else {
            assertThat(n).isLessThanOrEqualTo(packet.length);
        }
    }

    /** Protects with the sender, unprotects with the receiver: the plain packet must come back. */
    private static byte[] protectAndCheck(SrtpContext sender, SrtpContext receiver, byte[] chunk, boolean rtcp) {
        byte[] plain = Arrays.copyOf(chunk, Math.min(chunk.length, MAX_PACKET));
        if (plain.length > 0) {
            plain[0] = (byte) (0x80 | (plain[0] & 0x3F));
        }
        if (rtcp && plain.length > 1) {
            plain[1] = (byte) (192 + (plain[1] & 0x1F));
        }
        byte[] buf = Arrays.copyOf(plain, plain.length + 32);
        int n = rtcp ? sender.protectRtcp(buf, 0, plain.length) : sender.protectRtp(buf, 0, plain.length);
        if (n < 0) {
            assertThat(SrtpError.fromCode(n)).isNotNull();
            return null;
        }
        byte[] sent = Arrays.copyOf(buf, n);
        byte[] received = sent.clone();
        int m = unprotect(receiver, received, 0, received.length, rtcp);
        assertThat(m).as("an honestly protected packet unprotects").isEqualTo(plain.length);
        assertThat(Arrays.copyOf(received, m)).as("to what was protected").isEqualTo(plain);
        return sent;
    }

    private static int unprotect(SrtpContext receiver, byte[] buf, int off, int len, boolean rtcp) {
        return rtcp ? receiver.unprotectRtcp(buf, off, len) : receiver.unprotectRtp(buf, off, len);
    }
}
