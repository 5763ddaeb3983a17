package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Damaged and arbitrary bytes: only {@link RtcpParseException} may come out of the parser. */
class RtcpParserRobustnessTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    private static final String[] CAPTURES = {RtcpCaptureTest.FIREFOX_COMPOUND, RtcpCaptureTest.CHROME_SR_SDES,
            RtcpCaptureTest.CHROME_REMB, RtcpCaptureTest.CHROME_TCC_RUN, RtcpCaptureTest.TCC_ONE_PACKET,
            RtcpCaptureTest.TCC_SEVEN_SMALL, RtcpCaptureTest.TCC_VECTOR_AND_RUN};

    /** Parses, allowing only success or RtcpParseException; returns whether it parsed. */
    private static boolean tryParse(byte[] b, int off, int len) {
        try {
            List<RtcpPacket> packets = RtcpParser.parseCompound(b, off, len);
            assertThat(packets).isNotEmpty();
            return true;
        } catch (RtcpParseException expected) {
            return false;
        }
    }

    @Test
    void rejectsDamagedHeaders() {
        assertRejected(new byte[0], "empty");
        assertRejected(hex("81c9"), "shorter than a header");
        assertRejected(hex("41c90001 00000001"), "version 1");
        assertRejected(hex("81c90064"), "length beyond the bytes");
        assertRejected(hex("80c90001 00000001 0000"), "trailing bytes after the last packet");
        assertRejected(hex("a0c90001 00000001"), "P bit with padding count 1 eating the SSRC");
        assertRejected(hex("a0c90001 00000000"), "P bit with padding count 0");
        assertRejected(hex("a0c90001 000000ff"), "padding count beyond the packet");
        assertRejected(hex("81c90001 00000001"), "RR whose block is missing");
        assertRejected(hex("81c80006 00000001 00000000 00000000 00000000 00000000 00000000"),
                "SR whose block is missing");
        assertRejected(hex("81ca0002 00000001 0105 6162"), "SDES item overruns");
        assertRejected(hex("81ca0002 00000001 0102 6162"), "SDES chunk without its null item");
        assertRejected(hex("82ca0003 00000001 01016100 00000002"), "second SDES chunk cut");
        assertRejected(hex("82cb0001 00000001"), "BYE with 2 SSRCs in 4 bytes");
        assertRejected(hex("81cb0002 00000001 09616263"), "BYE reason overruns");
        assertRejected(hex("81ce0001 00000001"), "PLI without media SSRC");
        assertRejected(hex("84ce0003 00000001 00000000 00000002"), "FIR entry cut");
        assertRejected(hex("81cd0001 00000001"), "NACK without media SSRC");
        assertThatThrownBy(() -> RtcpParser.parseCompound(null)).isInstanceOf(RtcpParseException.class);
        assertThatThrownBy(() -> RtcpParser.parseCompound(new byte[8], 4, 8)).isInstanceOf(RtcpParseException.class);
        assertThatThrownBy(() -> RtcpParser.parseCompound(new byte[8], -1, 4)).isInstanceOf(RtcpParseException.class);
        assertThatThrownBy(() -> RtcpParser.parseCompound(new byte[8], 0, -4)).isInstanceOf(RtcpParseException.class);
    }

    private static void assertRejected(byte[] b, String why) {
        assertThatThrownBy(() -> RtcpParser.parseCompound(b)).as(why).isInstanceOf(RtcpParseException.class);
    }

    @Test
    void acceptsWhatTheRfcsAllow() throws Exception {
        // RR with a profile-specific extension after its block (RFC 3550 §6.4.2), pion receiver_report_test.go
        byte[] rrExt = hex("81c90009 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79 54455354 44415441");
        assertThat(RtcpParser.parseCompound(rrExt)).hasSize(1);
        // padding on the last packet of a compound
        byte[] padded = hex("80c90001 00000001 a1cb0002 00000001 00000004");
        assertThat(RtcpParser.parseCompound(padded)).containsExactly(new ReceiverReport(1, List.of()),
                new Bye(List.of(1L), ""));
        // SDES item list ended early by the null item, more null octets than needed
        byte[] sdes = hex("81ca0003 00000001 01016100 00000000");
        assertThat(RtcpParser.parseCompound(sdes)).containsExactly(SourceDescription.cname(1, "a"));
        // a packet type outside 200..207 and an XR
        byte[] other = hex("80c00001 00000001 80cf0001 00000001");
        assertThat(RtcpParser.parseCompound(other)).containsExactly(new Unknown(192, 0, 8), new Unknown(207, 0, 8));
        // parsing at an offset inside a larger buffer
        byte[] inside = hex("ffff 81ce0002 00000001 00000002 ffff");
        assertThat(RtcpParser.parseCompound(inside, 2, 12)).containsExactly(new PictureLossIndication(1, 2));
    }

    @Test
    void survivesEveryTruncationAndBitFlipOfTheCaptures() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (String capture : CAPTURES) {
            byte[] b = hex(capture);
            assertThat(tryParse(b, 0, b.length)).as(capture).isTrue();
            for (int len = 0; len < b.length; len++) {
                tryParse(b, 0, len);
                tryParse(b, b.length - len, len);
            }
            for (int i = 0; i < 10_000; i++) {
                byte[] c = b.clone();
                int flips = 1 + rnd.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                tryParse(c, 0, c.length);
            }
        }
    }

    @Test
    void survivesRandomBytesShapedLikeRtcp() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] types = {200, 201, 202, 203, 204, 205, 206, 207};
        int parsed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[4 * rnd.nextInt(1, 40)];
            rnd.nextBytes(b);
            // mostly well-formed headers whose length matches, so the bodies get exercised
            int pos = 0;
            while (pos + 4 <= b.length && rnd.nextInt(10) > 0) {
                int words = Math.min(rnd.nextInt(0, 12), (b.length - pos) / 4 - 1);
                b[pos] = (byte) (0x80 | (rnd.nextInt(8) == 0 ? 0x20 : 0) | rnd.nextInt(32));
                b[pos + 1] = (byte) types[rnd.nextInt(types.length)];
                b[pos + 2] = 0;
                b[pos + 3] = (byte) words;
                if (rnd.nextBoolean() && b[pos + 1] == (byte) 206) {
                    b[pos] = (byte) 0x8f;
                    if (words >= 3) {
                        b[pos + 12] = 'R';
                        b[pos + 13] = 'E';
                        b[pos + 14] = 'M';
                        b[pos + 15] = 'B';
                    }
                }
                pos += 4 * (words + 1);
            }
            if (tryParse(b, 0, b.length)) {
                parsed++;
            }
        }
        assertThat(parsed).as("some random packets should be valid").isGreaterThan(600);
    }

    @Test
    void countFieldsAreCheckedAgainstTheBytesBeforeUse() {
        // transport-cc claiming 65535 statuses with one run chunk of 1: fails on the missing chunks
        assertRejected(hex("8fcd0005 00000001 00000002 0000ffff 00000000 2001 0100"), "status count beyond the chunks");
        // REMB claiming 255 SSRCs with none present
        assertRejected(hex("8fce0004 00000001 00000000 52454d42 ff000001"), "REMB SSRC count beyond the bytes");
        // SR claiming 31 blocks in 28 bytes
        assertRejected(hex("9fc80006 00000001 00000000 00000000 00000000 00000000 00000000"), "SR block count");
        // SDES claiming 31 chunks in 8 bytes
        assertRejected(hex("9fca0001 00000001"), "SDES chunk count");
    }
}
