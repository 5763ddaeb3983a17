package dev.ingot.rtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Protect/unprotect behaviour of {@link SrtpContext} for every profile: RFC 3711 §3.3, §3.4, RFC 7714. */
class SrtpContextTest {

    private static final int SSRC = 0x1234_5678;
    private static final int ROOM = 64;

    private static SrtpMasterKey key(SrtpProfile p) {
        byte[] k = new byte[p.masterKeyLength()];
        byte[] s = new byte[p.masterSaltLength()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (17 * i + 3);
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (31 * i + 7);
        }
        return new SrtpMasterKey(k, s);
    }

    private static SrtpContext sender(SrtpProfile p) {
        return SrtpContext.outbound(p, key(p));
    }

    private static SrtpContext receiver(SrtpProfile p) {
        return SrtpContext.inbound(p, key(p));
    }

    /** A plain RTP packet of {@code payload} bytes (pattern derived from seq) at {@code off}, with room after it. */
    private static byte[] rtp(int off, int seq, int ssrc, int payload) {
        byte[] b = new byte[off + 12 + payload + ROOM];
        b[off] = (byte) 0x80;
        b[off + 1] = 96;
        b[off + 2] = (byte) (seq >>> 8);
        b[off + 3] = (byte) seq;
        b[off + 4] = (byte) (seq * 7);
        b[off + 8] = (byte) (ssrc >>> 24);
        b[off + 9] = (byte) (ssrc >>> 16);
        b[off + 10] = (byte) (ssrc >>> 8);
        b[off + 11] = (byte) ssrc;
        for (int i = 0; i < payload; i++) {
            b[off + 12 + i] = (byte) (seq + i * 13);
        }
        return b;
    }

    /** A plain RTCP receiver report from {@code ssrc} with one report block, with room after it. */
    private static byte[] rtcp(int ssrc, int marker) {
        byte[] b = new byte[32 + ROOM];
        b[0] = (byte) 0x81;
        b[1] = (byte) 201;
        b[3] = 7;
        b[4] = (byte) (ssrc >>> 24);
        b[5] = (byte) (ssrc >>> 16);
        b[6] = (byte) (ssrc >>> 8);
        b[7] = (byte) ssrc;
        for (int i = 8; i < 32; i++) {
            b[i] = (byte) (marker + i);
        }
        return b;
    }

    private record Wire(byte[] bytes, int len, byte[] plain) {
        byte[] copy() {
            return bytes.clone();
        }
    }

    private static Wire protectRtp(SrtpContext sender, int seq, int payload) {
        byte[] b = rtp(0, seq, SSRC, payload);
        byte[] plain = Arrays.copyOf(b, 12 + payload);
        int n = sender.protectRtp(b, 0, 12 + payload);
        assertThat(n).as("protect seq %d", seq).isEqualTo(12 + payload + sender.profile().rtpAuthTagLength());
        return new Wire(b, n, plain);
    }

    private static void assertUnprotects(SrtpContext receiver, Wire w) {
        byte[] b = w.copy();
        int n = receiver.unprotectRtp(b, 0, w.len());
        assertThat(n).as("unprotect").isEqualTo(w.plain().length);
        assertThat(Arrays.copyOf(b, n)).isEqualTo(w.plain());
    }

    // ------------------------------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripsAtAnOffsetAndEncryptsOnlyThePayload(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        int off = 5;
        byte[] b = rtp(off, 4242, SSRC, 1200);
        byte[] plain = Arrays.copyOfRange(b, off, off + 1212);

        int n = out.protectRtp(b, off, 1212);

        assertThat(n).isEqualTo(1212 + p.rtpAuthTagLength());
        assertThat(Arrays.copyOfRange(b, off, off + 12)).isEqualTo(Arrays.copyOf(plain, 12));
        assertThat(Arrays.copyOfRange(b, off + 12, off + 1212)).isNotEqualTo(Arrays.copyOfRange(plain, 12, 1212));
        assertThat(in.unprotectRtp(b, off, n)).isEqualTo(1212);
        assertThat(Arrays.copyOfRange(b, off, off + 1212)).isEqualTo(plain);
        assertThat(in.lastRtpIndex()).isEqualTo(4242);
        assertThat(in.streamCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripsWithEFlagAndIndexAppended(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        for (int i = 0; i < 3; i++) {
            byte[] b = rtcp(SSRC, i);
            byte[] plain = Arrays.copyOf(b, 32);
            int n = out.protectRtcp(b, 0, 32);
            assertThat(n).isEqualTo(32 + p.rtcpProtectionOverhead());
            assertThat(Arrays.copyOf(b, 8)).isEqualTo(Arrays.copyOf(plain, 8));
            int word = indexWord(p, b, n);
            assertThat(word).isEqualTo(0x8000_0000 | i);
            assertThat(in.unprotectRtcp(b, 0, n)).isEqualTo(32);
            assertThat(Arrays.copyOf(b, 32)).isEqualTo(plain);
        }
    }

    private static int indexWord(SrtpProfile p, byte[] b, int n) {
        int at = p.isAead() ? n - 4 : n - p.rtcpAuthTagLength() - 4;
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void emptyPayloadRoundTrips(SrtpProfile p) {
        Wire w = protectRtp(sender(p), 1, 0);
        assertUnprotects(receiver(p), w);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void headerExtensionAndCsrcsAreAuthenticatedButNotEncrypted(SrtpProfile p) {
        // V=2, P=0, X=1, CC=2; two CSRCs; one-byte-header extension 0xBEDE with 2 words.
        int header = 12 + 8 + 4 + 8;
        byte[] b = new byte[header + 100 + ROOM];
        b[0] = (byte) 0x92;
        b[1] = 111;
        b[3] = 9;
        b[11] = 1;
        for (int i = 12; i < 20; i++) {
            b[i] = (byte) (0xC0 + i);
        }
        b[20] = (byte) 0xBE;
        b[21] = (byte) 0xDE;
        b[23] = 2;
        for (int i = 24; i < 32; i++) {
            b[i] = (byte) (0x10 + i);
        }
        Arrays.fill(b, header, header + 100, (byte) 0x33);
        byte[] plain = Arrays.copyOf(b, header + 100);

        int n = sender(p).protectRtp(b, 0, header + 100);

        assertThat(Arrays.copyOf(b, header)).isEqualTo(Arrays.copyOf(plain, header));
        assertThat(Arrays.copyOfRange(b, header, header + 100)).isNotEqualTo(Arrays.copyOfRange(plain, header, header + 100));

        byte[] tampered = b.clone();
        tampered[26] ^= 0x01; // inside the extension
        assertThat(receiver(p).unprotectRtp(tampered, 0, n)).isEqualTo(SrtpError.AUTH_FAILED.code());
        tampered = b.clone();
        tampered[13] ^= 0x01; // inside a CSRC
        assertThat(receiver(p).unprotectRtp(tampered, 0, n)).isEqualTo(SrtpError.AUTH_FAILED.code());

        assertThat(receiver(p).unprotectRtp(b, 0, n)).isEqualTo(header + 100);
        assertThat(Arrays.copyOf(b, header + 100)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void paddingIsEncryptedWithThePayloadAndComesBackIntact(SrtpProfile p) {
        byte[] b = rtp(0, 77, SSRC, 40);
        b[0] |= 0x20; // P bit; last 4 payload bytes are padding 00 00 00 04
        b[12 + 36] = 0;
        b[12 + 37] = 0;
        b[12 + 38] = 0;
        b[12 + 39] = 4;
        byte[] plain = Arrays.copyOf(b, 52);
        int n = sender(p).protectRtp(b, 0, 52);
        assertThat(n).isEqualTo(52 + p.rtpAuthTagLength());
        assertThat(Arrays.copyOfRange(b, 48, 52)).isNotEqualTo(Arrays.copyOfRange(plain, 48, 52));
        assertThat(receiver(p).unprotectRtp(b, 0, n)).isEqualTo(52);
        assertThat(Arrays.copyOf(b, 52)).isEqualTo(plain);
    }

    @Test
    void shortTagProfileAddsFourBytesToRtpAndStillTenToRtcp() {
        SrtpProfile p = SrtpProfile.AES128_CM_HMAC_SHA1_32;
        assertThat(protectRtp(sender(p), 5, 100).len()).isEqualTo(116);
        byte[] b = rtcp(SSRC, 0);
        assertThat(sender(p).protectRtcp(b, 0, 32)).isEqualTo(32 + 4 + 10);
    }

    // ------------------------------------------------------------------------- authentication, replay

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedRtpFailsAuthenticationAndLeavesStateUntouched(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        Wire first = protectRtp(out, 100, 50);
        // Every single-byte change, in header, payload or tag, is caught; a forged first packet claims no SSRC slot.
        for (int i = 0; i < first.len(); i++) {
            byte[] b = first.copy();
            b[i] ^= (byte) 0x04;
            int r = in.unprotectRtp(b, 0, first.len());
            assertThat(r).as("byte %d", i).isIn(SrtpError.AUTH_FAILED.code(), SrtpError.MALFORMED.code(),
                    SrtpError.TOO_SHORT.code());
        }
        assertThat(in.streamCount()).isZero();
        assertThat(in.lastRtpIndex()).isEqualTo(-1);
        assertUnprotects(in, first);

        Wire second = protectRtp(out, 101, 50);
        byte[] b = second.copy();
        b[30] ^= 1;
        assertThat(in.unprotectRtp(b, 0, second.len())).isEqualTo(SrtpError.AUTH_FAILED.code());
        assertThat(in.lastRtpIndex()).isEqualTo(100);
        assertUnprotects(in, second); // the forgery did not mark index 101 as seen
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedRtpIsRefused(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        Wire w = protectRtp(out, 500, 20);
        assertUnprotects(in, w);
        byte[] again = w.copy();
        assertThat(in.unprotectRtp(again, 0, w.len())).isEqualTo(SrtpError.REPLAYED.code());
        assertThat(again).isEqualTo(w.bytes()); // refused before touching the buffer
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void olderPacketInsideTheWindowIsAcceptedOnce(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        List<Wire> wires = new ArrayList<>();
        for (int seq = 1000; seq < 1600; seq++) {
            wires.add(protectRtp(out, seq, 16));
        }
        Wire late = wires.get(20); // seq 1020
        for (Wire w : wires) {
            if (w != late) {
                assertUnprotects(in, w);
            }
        }
        assertThat(in.lastRtpIndex()).isEqualTo(1599);
        assertUnprotects(in, late);
        assertThat(in.unprotectRtp(late.copy(), 0, late.len())).isEqualTo(SrtpError.REPLAYED.code());
    }

    @Test
    void packetOlderThanTheReplayWindowIsRefused() {
        SrtpProfile p = SrtpProfile.AES128_CM_HMAC_SHA1_80;
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        int w = SrtpContext.RTP_REPLAY_WINDOW;
        Wire tooOld = protectRtp(out, 10, 16);
        Wire justInside = protectRtp(out, 11, 16);
        assertUnprotects(in, protectRtp(out, 10 + w, 16));
        assertThat(in.unprotectRtp(tooOld.copy(), 0, tooOld.len())).isEqualTo(SrtpError.REPLAYED.code());
        assertUnprotects(in, justInside);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rolloverCounterAdvancesAcrossTheSequenceWrapWithReordering(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        List<Wire> wires = new ArrayList<>();
        List<Integer> seqs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int seq = (65336 + i) & 0xFFFF; // 65336 .. 65535, 0 .. 199
            seqs.add(seq);
            wires.add(protectRtp(out, seq, 32));
        }
        assertThat(out.lastRtpIndex()).isEqualTo(65536 + 199);

        // Deliver with reordering around the wrap: swap neighbours and hold back a few pre-wrap packets.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            order.add(i);
        }
        for (int i = 190; i < 215; i += 2) {
            java.util.Collections.swap(order, i, i + 1);
        }
        order.remove(Integer.valueOf(198)); // seq 65534
        order.remove(Integer.valueOf(199)); // seq 65535
        order.add(order.indexOf(210) + 1, 199);
        order.add(order.indexOf(230) + 1, 198);

        for (int i : order) {
            assertUnprotects(in, wires.get(i));
            int seq = seqs.get(i);
            long expectedIndex = i < 200 ? seq : 65536 + seq;
            assertThat(in.lastRtpIndex()).as("index of seq %d", seq).isEqualTo(expectedIndex);
        }
        for (Wire w : wires) {
            assertThat(in.unprotectRtp(w.copy(), 0, w.len())).isEqualTo(SrtpError.REPLAYED.code());
        }
    }

    @Test
    void rolloverCounterFollowsSeveralWrapsWithGaps() {
        SrtpProfile p = SrtpProfile.AEAD_AES_128_GCM;
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        for (long index = 0; index < 4 * 65536L; index += 9_000) {
            Wire w = protectRtp(out, (int) (index & 0xFFFF), 8);
            assertUnprotects(in, w);
            assertThat(in.lastRtpIndex()).isEqualTo(index);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectRefusesToReuseAnIndex(SrtpProfile p) {
        SrtpContext out = sender(p);
        protectRtp(out, 9, 10);
        byte[] b = rtp(0, 9, SSRC, 10);
        assertThat(out.protectRtp(b, 0, 22)).isEqualTo(SrtpError.REPLAYED.code());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedSrtcpIsRefusedAndOlderIndexAcceptedOnce(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        List<Wire> wires = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = rtcp(SSRC, i);
            byte[] plain = Arrays.copyOf(b, 32);
            wires.add(new Wire(b, out.protectRtcp(b, 0, 32), plain));
        }
        for (int i : new int[] {0, 1, 3, 4}) {
            Wire w = wires.get(i);
            byte[] b = w.copy();
            assertThat(in.unprotectRtcp(b, 0, w.len())).isEqualTo(32);
            assertThat(Arrays.copyOf(b, 32)).isEqualTo(w.plain());
        }
        Wire late = wires.get(2);
        assertThat(in.unprotectRtcp(late.copy(), 0, late.len())).isEqualTo(32);
        for (Wire w : wires) {
            assertThat(in.unprotectRtcp(w.copy(), 0, w.len())).isEqualTo(SrtpError.REPLAYED.code());
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedSrtcpFailsAuthenticationAndLeavesStateUntouched(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        byte[] b = rtcp(SSRC, 0);
        byte[] plain = Arrays.copyOf(b, 32);
        int n = out.protectRtcp(b, 0, 32);
        for (int i = 0; i < n; i++) {
            byte[] t = b.clone();
            t[i] ^= (byte) 0x10;
            assertThat(in.unprotectRtcp(t, 0, n)).as("byte %d", i)
                    .isIn(SrtpError.AUTH_FAILED.code(), SrtpError.MALFORMED.code());
        }
        assertThat(in.streamCount()).isZero();
        assertThat(in.unprotectRtcp(b, 0, n)).isEqualTo(32);
        assertThat(Arrays.copyOf(b, 32)).isEqualTo(plain);
    }

    // ------------------------------------------------------------------------------ limits and misuse

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void srtcpIndexStopsAtTwoToThe31(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        out.setNextSrtcpIndex(SSRC, SrtpContext.MAX_SRTCP_INDEX);
        byte[] b = rtcp(SSRC, 0);
        int n = out.protectRtcp(b, 0, 32);
        assertThat(indexWord(p, b, n)).isEqualTo(0xFFFF_FFFF);
        assertThat(in.unprotectRtcp(b, 0, n)).isEqualTo(32);
        assertThat(out.protectRtcp(rtcp(SSRC, 1), 0, 32)).isEqualTo(SrtpError.KEY_EXHAUSTED.code());
    }

    @Test
    void ssrcsBeyondTheLimitAreRefusedAndForgeriesClaimNoSlot() {
        SrtpProfile p = SrtpProfile.AES128_CM_HMAC_SHA1_80;
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) { // forged packets from many SSRCs
            byte[] b = rtp(0, i, random.nextInt(), 40);
            assertThat(in.unprotectRtp(b, 0, 62)).isEqualTo(SrtpError.AUTH_FAILED.code());
        }
        assertThat(in.streamCount()).isZero();
        for (int s = 0; s < SrtpContext.MAX_STREAMS; s++) {
            byte[] b = rtp(0, 1, 1000 + s, 10);
            int n = out.protectRtp(b, 0, 22);
            assertThat(in.unprotectRtp(b, 0, n)).isEqualTo(22);
        }
        assertThat(in.streamCount()).isEqualTo(SrtpContext.MAX_STREAMS);
        byte[] b = rtp(0, 1, 5000, 10);
        assertThat(out.protectRtp(b, 0, 22)).isEqualTo(SrtpError.UNKNOWN_SSRC_LIMIT.code());
        SrtpContext otherOut = sender(p);
        int n = otherOut.protectRtp(b, 0, 22);
        assertThat(in.unprotectRtp(b, 0, n)).isEqualTo(SrtpError.UNKNOWN_SSRC_LIMIT.code());
        byte[] r = rtcp(5000, 0);
        int m = otherOut.protectRtcp(r, 0, 32);
        assertThat(in.unprotectRtcp(r, 0, m)).isEqualTo(SrtpError.UNKNOWN_SSRC_LIMIT.code());
        // known SSRCs keep working
        byte[] known = rtp(0, 2, 1000, 10);
        int k = out.protectRtp(known, 0, 22);
        assertThat(in.unprotectRtp(known, 0, k)).isEqualTo(22);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectWithoutRoomForTheTagIsRefusedAndTouchesNothing(SrtpProfile p) {
        SrtpContext out = sender(p);
        byte[] b = Arrays.copyOf(rtp(0, 1, SSRC, 20), 32 + p.rtpAuthTagLength() - 1);
        byte[] before = b.clone();
        assertThat(out.protectRtp(b, 0, 32)).isEqualTo(SrtpError.BUFFER_TOO_SMALL.code());
        assertThat(b).isEqualTo(before);
        byte[] r = Arrays.copyOf(rtcp(SSRC, 0), 32 + p.rtcpProtectionOverhead() - 1);
        assertThat(out.protectRtcp(r, 0, 32)).isEqualTo(SrtpError.BUFFER_TOO_SMALL.code());
        assertThat(out.streamCount()).isZero();
    }

    @Test
    void wrongDirectionAndBadRangesAreProgrammingErrors() {
        SrtpProfile p = SrtpProfile.AEAD_AES_128_GCM;
        byte[] b = rtp(0, 1, SSRC, 20);
        assertThatThrownBy(() -> receiver(p).protectRtp(b, 0, 32)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> receiver(p).protectRtcp(b, 0, 32)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sender(p).unprotectRtp(b, 0, 32)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sender(p).unprotectRtcp(b, 0, 32)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> receiver(p).unprotectRtp(b, 10, b.length)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void nonVersion2HeadersAreMalformed() {
        SrtpProfile p = SrtpProfile.AES128_CM_HMAC_SHA1_80;
        byte[] b = rtp(0, 1, SSRC, 40);
        b[0] = 0x40;
        assertThat(receiver(p).unprotectRtp(b, 0, 52)).isEqualTo(SrtpError.MALFORMED.code());
        assertThat(sender(p).protectRtp(b, 0, 52)).isEqualTo(SrtpError.MALFORMED.code());
        byte[] r = rtcp(SSRC, 0);
        r[0] = 0;
        assertThat(receiver(p).unprotectRtcp(r, 0, 32)).isEqualTo(SrtpError.MALFORMED.code());
        assertThat(sender(p).protectRtcp(r, 0, 32)).isEqualTo(SrtpError.MALFORMED.code());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void truncatedPacketsAreRefused(SrtpProfile p) {
        SrtpContext out = sender(p);
        SrtpContext in = receiver(p);
        Wire w = protectRtp(out, 3, 30);
        for (int len = 0; len < w.len(); len++) {
            int r = in.unprotectRtp(w.copy(), 0, len);
            assertThat(r).as("length %d", len).isIn(SrtpError.TOO_SHORT.code(), SrtpError.AUTH_FAILED.code());
        }
        byte[] b = rtcp(SSRC, 0);
        int n = out.protectRtcp(b, 0, 32);
        for (int len = 0; len < n; len++) {
            int r = in.unprotectRtcp(b.clone(), 0, len);
            assertThat(r).as("length %d", len).isIn(SrtpError.TOO_SHORT.code(), SrtpError.AUTH_FAILED.code());
        }
        assertThat(in.streamCount()).isZero();
        assertThat(out.protectRtcp(new byte[40], 0, 7)).isEqualTo(SrtpError.TOO_SHORT.code());
        assertThat(out.protectRtp(new byte[40], 0, 11)).isEqualTo(SrtpError.TOO_SHORT.code());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void arbitraryBytesNeverThrow(SrtpProfile p) {
        Random random = new Random(p.ordinal() * 7919L + 42);
        SrtpContext in = receiver(p);
        SrtpContext out = sender(p);
        List<Wire> valid = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            valid.add(protectRtp(sender(p), i, random.nextInt(200)));
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            int len;
            if (i % 2 == 0) {
                b = new byte[random.nextInt(300) + 1];
                random.nextBytes(b);
                if (random.nextBoolean()) {
                    b[0] = (byte) (0x80 | (b[0] & 0x3F)); // mostly version 2, to reach deeper
                }
                len = random.nextInt(b.length + 1);
            } else {
                Wire w = valid.get(random.nextInt(valid.size()));
                b = w.copy();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    b[random.nextInt(w.len())] = (byte) random.nextInt(256);
                }
                len = random.nextInt(w.len() + 1);
            }
            int off = len == 0 ? 0 : random.nextInt(b.length - len + 1);
            assertResult(in.unprotectRtp(b, off, len));
            assertResult(in.unprotectRtcp(b, off, len));
            assertResult(out.protectRtp(b.clone(), off, len));
            assertResult(out.protectRtcp(b.clone(), off, len));
        }
    }

    private static void assertResult(int r) {
        if (r < 0) {
            assertThat(SrtpError.fromCode(r)).isNotNull();
        }
    }
}
