package dev.ingot.rtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    // Chrome RTP headers as dissected by Wireshark, from olivermichel/webrtc-analysis
    // test/include/data.h (rtp_pkt1, rtp_pkt2, rtp_pkt3); retyped here. The capture holds the
    // headers only, so the payloads are empty.

    /** One-byte form: id 2 abs-send-time f34350, id 4 transport-cc 0x009b, id 13 (3 bytes), 1 pad byte. */
    static final String CHROME_ONE_BYTE = """
            902d1a5f d4090549 f7b16e83 bede0003
            22f34350 41009b d2810045 00""";

    /** One-byte form with 7 elements, marker set. */
    static final String CHROME_ONE_BYTE_MARKER = """
            90ad19d4 d405e797 f7b16e83 bede0008
            22ea432b 410004 9030 3000 6002
            7c0100030009000a0023000000 00
            d2400001 00""";

    /** Two-byte form (0x1000) with 7 elements, one 33 bytes long. */
    static final String CHROME_TWO_BYTE = """
            902d61c5 950a0fee 8d3814e5 10000011
            020303f7ae 04020002 090130 030100 060102
            070d0100010007000700 0a00000000
            0d21c000018003187aaaf130a0a014d14138230460086422222650 09f0077013f00ef0""";

    @Test
    void parsesChromeHeaderWithOneByteExtensions() {
        byte[] b = hex(CHROME_ONE_BYTE);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.version()).isEqualTo(2);
        assertThat(p.padding()).isFalse();
        assertThat(p.extension()).isTrue();
        assertThat(p.marker()).isFalse();
        assertThat(p.payloadType()).isEqualTo(45);
        assertThat(p.sequenceNumber()).isEqualTo(6751);
        assertThat(p.timestamp()).isEqualTo(3557360969L);
        assertThat(p.ssrc()).isEqualTo(0xf7b16e83L);
        assertThat(p.csrcCount()).isZero();
        assertThat(p.extensionProfile()).isEqualTo(0xBEDE);
        assertThat(p.extensionDataLength()).isEqualTo(12);
        assertThat(p.headerLength()).isEqualTo(28);
        assertThat(p.payloadLength()).isZero();
        assertThat(p.absSendTime(2)).isEqualTo(0xf34350);
        assertThat(p.transportSequenceNumber(4)).isEqualTo(0x9b);
        int h = p.findExtension(13);
        assertThat(RtpPacket.extensionLength(h)).isEqualTo(3);
        assertThat(Arrays.copyOfRange(b, RtpPacket.extensionOffset(h), RtpPacket.extensionOffset(h) + 3))
                .isEqualTo(hex("810045"));
        assertThat(p.findExtension(1)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(p.findExtension(3)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(p.mid(3)).isNull();
    }

    @Test
    void parsesChromeHeaderWithSevenOneByteExtensionsAndMarker() {
        byte[] b = hex(CHROME_ONE_BYTE_MARKER);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.marker()).isTrue();
        assertThat(p.payloadType()).isEqualTo(45);
        assertThat(p.sequenceNumber()).isEqualTo(6612);
        assertThat(p.timestamp()).isEqualTo(3557156759L);
        assertThat(p.absSendTime(2)).isEqualTo(0xea432b);
        assertThat(p.transportSequenceNumber(4)).isEqualTo(4);
        assertThat(p.readStringExtension(9)).isEqualTo("0"); // sdes:mid "0" in Chrome's usual id 9
        assertThat(RtpPacket.extensionLength(p.findExtension(7))).isEqualTo(13);
        assertThat(RtpPacket.extensionLength(p.findExtension(3))).isEqualTo(1);
        assertThat(RtpPacket.extensionLength(p.findExtension(13))).isEqualTo(3);
    }

    @Test
    void parsesChromeHeaderWithTwoByteExtensions() {
        byte[] b = hex(CHROME_TWO_BYTE);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.sequenceNumber()).isEqualTo(25029);
        assertThat(p.timestamp()).isEqualTo(2500464622L);
        assertThat(p.ssrc()).isEqualTo(0x8d3814e5L);
        assertThat(p.extensionProfile()).isEqualTo(0x1000);
        assertThat(p.extensionDataLength()).isEqualTo(68);
        assertThat(p.absSendTime(2)).isEqualTo(0x03f7ae);
        assertThat(p.transportSequenceNumber(4)).isEqualTo(2);
        assertThat(p.mid(9)).isEqualTo("0");
        int h = p.findExtension(13);
        assertThat(RtpPacket.extensionLength(h)).isEqualTo(33);
        assertThat(b[RtpPacket.extensionOffset(h)] & 0xFF).isEqualTo(0xc0);
        assertThat(b[RtpPacket.extensionOffset(h) + 32] & 0xFF).isEqualTo(0xf0);
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void wrapsAtAnOffsetInsideALargerBuffer() {
        byte[] inner = hex(CHROME_ONE_BYTE);
        byte[] b = new byte[inner.length + 10];
        System.arraycopy(inner, 0, b, 7, inner.length);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 7, inner.length)).isTrue();
        assertThat(p.offset()).isEqualTo(7);
        assertThat(p.payloadOffset()).isEqualTo(7 + 28);
        assertThat(p.transportSequenceNumber(4)).isEqualTo(0x9b);
        int h = p.findExtension(2);
        assertThat(b[7 + RtpPacket.extensionOffset(h)] & 0xFF).isEqualTo(0xf3);
    }

    @Test
    void readsCsrcsAndPadding() {
        byte[] payload = {1, 2, 3, 4, 5};
        byte[] b = new RtpPacketWriter().payloadType(111).sequenceNumber(65535).timestamp(0xFFFF_FFFFL)
                .ssrc(0x8000_0001L).csrcs(7, 0xFFFF_FFFFL).padding(3).toBytes(payload);
        assertThat(b.length).isEqualTo(12 + 8 + 5 + 3);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.padding()).isTrue();
        assertThat(p.paddingLength()).isEqualTo(3);
        assertThat(p.csrcCount()).isEqualTo(2);
        assertThat(p.csrc(0)).isEqualTo(7);
        assertThat(p.csrc(1)).isEqualTo(0xFFFF_FFFFL);
        assertThat(p.sequenceNumber()).isEqualTo(65535);
        assertThat(p.timestamp()).isEqualTo(0xFFFF_FFFFL);
        assertThat(p.ssrc()).isEqualTo(0x8000_0001L);
        assertThat(p.payloadOffset()).isEqualTo(20);
        assertThat(p.payloadLength()).isEqualTo(5);
        assertThat(Arrays.copyOfRange(b, p.payloadOffset(), p.payloadOffset() + p.payloadLength())).isEqualTo(payload);
        assertThatThrownBy(() -> p.csrc(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void paddingMayCoverTheWholePayload() {
        byte[] b = new RtpPacketWriter().payloadType(96).padding(200).toBytes(new byte[0]);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.payloadLength()).isZero();
        assertThat(p.paddingLength()).isEqualTo(200);
    }

    @Test
    void rejectsMalformedHeaders() {
        RtpPacket p = new RtpPacket();
        byte[] ok = new RtpPacketWriter().payloadType(96).toBytes(new byte[4]);
        assertThat(p.wrap(ok, 0, ok.length)).isTrue();

        assertThat(p.wrap(ok, 0, 11)).as("shorter than the fixed header").isFalse();
        assertThat(p.wrap(null, 0, 12)).isFalse();
        assertThat(p.wrap(ok, 10, ok.length)).as("runs past the array").isFalse();
        assertThat(p.wrap(ok, -1, 12)).isFalse();

        byte[] v1 = ok.clone();
        v1[0] = 0x40;
        assertThat(p.wrap(v1, 0, v1.length)).as("version 1").isFalse();

        byte[] csrcs = ok.clone();
        csrcs[0] = (byte) 0x82; // 2 CSRCs = 8 bytes but only 4 follow the header
        assertThat(p.wrap(csrcs, 0, csrcs.length)).as("CSRC list overruns").isFalse();

        byte[] ext = hex("90600001 00000000 00000001 bede0002 10ff0000");
        assertThat(p.wrap(ext, 0, ext.length)).as("extension block overruns").isFalse();
        byte[] extHeader = hex("90600001 00000000 00000001 bede");
        assertThat(p.wrap(extHeader, 0, extHeader.length)).as("extension header cut").isFalse();

        byte[] zeroPad = hex("a0600001 00000000 00000001 aabb0000");
        assertThat(p.wrap(zeroPad, 0, zeroPad.length)).as("padding count 0").isFalse();
        byte[] bigPad = hex("a0600001 00000000 00000001 aabb0005");
        assertThat(p.wrap(bigPad, 0, bigPad.length)).as("padding beyond payload").isFalse();
        byte[] fullPad = hex("a0600001 00000000 00000001 aabb0004");
        assertThat(p.wrap(fullPad, 0, fullPad.length)).as("padding exactly the payload").isTrue();
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void oneByteExtensionParsingStopsAtIdFifteenAndAtOverruns() {
        RtpPacket p = new RtpPacket();
        // id 1 (1 byte), then id 15 (reserved: stop), then id 2 which must not be found
        byte[] b = hex("90600001 00000000 00000001 bede0002 10aa f0 20bb 000000");
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.findExtension(1)).isNotEqualTo(RtpPacket.NOT_FOUND);
        assertThat(p.findExtension(2)).isEqualTo(RtpPacket.NOT_FOUND);

        // id 3 claims 16 bytes but the block holds 3 after it
        byte[] over = hex("90600001 00000000 00000001 bede0001 3f010203");
        assertThat(p.wrap(over, 0, over.length)).isTrue();
        assertThat(p.findExtension(3)).isEqualTo(RtpPacket.NOT_FOUND);

        // one-byte ids stop at 14
        assertThat(p.findExtension(15)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(p.findExtension(0)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    @Test
    void unknownExtensionProfileHasNoElements() {
        byte[] b = hex("90600001 00000000 00000001 abcd0001 10aa0000");
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.extensionProfile()).isEqualTo(0xabcd);
        assertThat(p.findExtension(1)).isEqualTo(RtpPacket.NOT_FOUND);
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void demultiplexesRtpAndRtcpByTheSecondByte() {
        byte[] rtp = hex(CHROME_ONE_BYTE);
        assertThat(RtpPacket.looksLikeRtp(rtp, 0, rtp.length)).isTrue();
        assertThat(RtpPacket.looksLikeRtcp(rtp, 0, rtp.length)).isFalse();

        byte[] rr = hex("81c90001 902f9e2e");
        assertThat(RtpPacket.looksLikeRtcp(rr, 0, rr.length)).isTrue();
        assertThat(RtpPacket.looksLikeRtp(rr, 0, rr.length)).isFalse();

        // the edges of the RFC 5761 range 192..223; RTP with marker and PT 63 (191) or 96 (224) is RTP
        byte[] b = hex("80c0 0000 00000000 00000000");
        assertThat(RtpPacket.looksLikeRtcp(b, 0, b.length)).isTrue();
        b[1] = (byte) 223;
        assertThat(RtpPacket.looksLikeRtcp(b, 0, b.length)).isTrue();
        b[1] = (byte) 191;
        assertThat(RtpPacket.looksLikeRtcp(b, 0, b.length)).isFalse();
        assertThat(RtpPacket.looksLikeRtp(b, 0, b.length)).isTrue();
        b[1] = (byte) 224;
        assertThat(RtpPacket.looksLikeRtp(b, 0, b.length)).isTrue();

        byte[] stun = hex("0001 0000 2112a442 000000000000000000000000");
        assertThat(RtpPacket.looksLikeRtp(stun, 0, stun.length)).isFalse();
        assertThat(RtpPacket.looksLikeRtcp(stun, 0, stun.length)).isFalse();
        assertThat(RtpPacket.looksLikeRtp(rtp, 0, 11)).isFalse();
        assertThat(RtpPacket.looksLikeRtcp(rr, 0, 3)).isFalse();
        assertThat(RtpPacket.looksLikeRtp(null, 0, 12)).isFalse();
        assertThat(RtpPacket.looksLikeRtcp(rr, 6, 4)).isFalse();
    }

    @Test
    void writerUsesOneByteFormForSmallElements() {
        RtpPacketWriter w = new RtpPacketWriter().payloadType(96).marker(true).sequenceNumber(1234)
                .timestamp(90000).ssrc(0xdeadbeefL).mid(3, "video0").absSendTime(2, 0xabcdef)
                .transportSequenceNumber(5, 65534);
        byte[] payload = {9, 8, 7};
        byte[] b = w.toBytes(payload);
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(b, 0, b.length)).isTrue();
        assertThat(p.extensionProfile()).isEqualTo(RtpPacket.ONE_BYTE_PROFILE);
        // elements: 1+6, 1+3, 1+2 = 14 bytes -> 16 with padding
        assertThat(p.extensionDataLength()).isEqualTo(16);
        assertThat(p.marker()).isTrue();
        assertThat(p.sequenceNumber()).isEqualTo(1234);
        assertThat(p.timestamp()).isEqualTo(90000);
        assertThat(p.ssrc()).isEqualTo(0xdeadbeefL);
        assertThat(p.mid(3)).isEqualTo("video0");
        assertThat(p.absSendTime(2)).isEqualTo(0xabcdef);
        assertThat(p.transportSequenceNumber(5)).isEqualTo(65534);
        assertThat(Arrays.copyOfRange(b, p.payloadOffset(), p.payloadOffset() + p.payloadLength())).isEqualTo(payload);
    }

    @Test
    void writerSwitchesToTwoByteFormForHighIdsLongOrEmptyElements() {
        RtpPacket p = new RtpPacket();

        byte[] highId = new RtpPacketWriter().payloadType(96).extension(15, new byte[] {1}).toBytes(new byte[1]);
        assertThat(p.wrap(highId, 0, highId.length)).isTrue();
        assertThat(p.extensionProfile()).isEqualTo(RtpPacket.TWO_BYTE_PROFILE);
        assertThat(RtpPacket.extensionLength(p.findExtension(15))).isEqualTo(1);

        byte[] data17 = new byte[17];
        Arrays.fill(data17, (byte) 0x5a);
        byte[] long17 = new RtpPacketWriter().payloadType(96).extension(1, data17).mid(2, "a")
                .toBytes(new byte[1]);
        assertThat(p.wrap(long17, 0, long17.length)).isTrue();
        assertThat(p.extensionProfile()).isEqualTo(RtpPacket.TWO_BYTE_PROFILE);
        int h = p.findExtension(1);
        assertThat(Arrays.copyOfRange(long17, RtpPacket.extensionOffset(h), RtpPacket.extensionOffset(h) + 17))
                .isEqualTo(data17);
        assertThat(p.mid(2)).isEqualTo("a");

        byte[] empty = new RtpPacketWriter().payloadType(96).extension(200, new byte[0]).toBytes(new byte[1]);
        assertThat(p.wrap(empty, 0, empty.length)).isTrue();
        assertThat(p.findExtension(200)).isNotEqualTo(RtpPacket.NOT_FOUND);
        assertThat(RtpPacket.extensionLength(p.findExtension(200))).isZero();
        assertThat(p.readStringExtension(200)).isEmpty();
    }

    @Test
    void writerRejectsImpossibleFieldsAndSmallBuffers() {
        RtpPacketWriter w = new RtpPacketWriter();
        assertThatThrownBy(() -> w.payloadType(128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.extension(0, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.extension(1, new byte[256])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.csrcs(new long[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.padding(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.write(new byte[10], 0, 10, new byte[21], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(w.write(new byte[10], 0, 10, new byte[22], 0)).isEqualTo(22);
    }

    @Test
    void failedWrapClearsThePreviousPacket() {
        RtpPacket p = new RtpPacket();
        byte[] ok = hex(CHROME_ONE_BYTE);
        assertThat(p.wrap(ok, 0, ok.length)).isTrue();
        assertThat(p.wrap(new byte[5], 0, 5)).isFalse();
        assertThat(p.buffer()).isNull();
        assertThat(p.findExtension(2)).isEqualTo(RtpPacket.NOT_FOUND);
    }

    /** Random bytes and every truncation of real packets: wrap never throws, and what it accepts is consistent. */
    @Test
    void survivesGarbageAndTruncation() {
        SplittableRandom rnd = new SplittableRandom(42);
        RtpPacket p = new RtpPacket();
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[rnd.nextInt(0, 80)];
            rnd.nextBytes(b);
            if (b.length > 0 && rnd.nextBoolean()) {
                b[0] = (byte) ((b[0] & 0x3F) | 0x80); // make version 2 common so the deeper checks run
            }
            exercise(p, b, 0, b.length);
        }
        for (String capture : new String[] {CHROME_ONE_BYTE, CHROME_ONE_BYTE_MARKER, CHROME_TWO_BYTE}) {
            byte[] b = hex(capture);
            for (int len = 0; len <= b.length; len++) {
                exercise(p, b, 0, len);
                for (int flip = 0; flip < 64; flip++) {
                    byte[] c = b.clone();
                    c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
                    exercise(p, c, 0, len);
                }
            }
        }
    }

    private static void exercise(RtpPacket p, byte[] b, int off, int len) {
        if (!p.wrap(b, off, len)) {
            return;
        }
        assertThat(p.payloadOffset()).isBetween(off + 12, off + len);
        assertThat(p.payloadLength()).isBetween(0, len - 12);
        assertThat(p.payloadOffset() + p.payloadLength() + p.paddingLength()).isEqualTo(off + len);
        for (int id = 0; id <= 256; id++) {
            int h = p.findExtension(id);
            if (h != RtpPacket.NOT_FOUND) {
                assertThat(RtpPacket.extensionOffset(h) + RtpPacket.extensionLength(h)).isLessThanOrEqualTo(len);
                p.readStringExtension(id);
            }
            p.absSendTime(id);
            p.transportSequenceNumber(id);
        }
    }
}
