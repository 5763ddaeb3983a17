package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiverEstimatedMaxBitrateTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    @Test
    void encodes2500KbpsAsMantissa156250WithExponent4() throws Exception {
        assertThat(ReceiverEstimatedMaxBitrate.encodeBitrate(2_500_000)).isEqualTo((4 << 18) | 156_250);
        byte[] b = RtcpWriter.toBytes(new ReceiverEstimatedMaxBitrate(0x11223344L, 2_500_000, List.of(0xaabbccddL)));
        assertThat(b).isEqualTo(hex("8fce0005 11223344 00000000 52454d42 0112625a aabbccdd"));
        assertThat(RtcpParser.parseCompound(b))
                .containsExactly(new ReceiverEstimatedMaxBitrate(0x11223344L, 2_500_000, List.of(0xaabbccddL)));
    }

    @Test
    void encodes30MbpsAsMantissa234375WithExponent7() throws Exception {
        assertThat(ReceiverEstimatedMaxBitrate.encodeBitrate(30_000_000)).isEqualTo((7 << 18) | 234_375);
        byte[] b = RtcpWriter.toBytes(new ReceiverEstimatedMaxBitrate(1, 30_000_000, List.of(2L, 3L)));
        assertThat(Arrays.copyOfRange(b, 16, 20)).isEqualTo(hex("021f9387"));
        assertThat(RtcpParser.parseCompound(b))
                .containsExactly(new ReceiverEstimatedMaxBitrate(1, 30_000_000, List.of(2L, 3L)));
    }

    @Test
    void roundsDownWhatTheMantissaCannotHold() {
        // 2^18 needs exponent 1; the odd bit is lost
        assertThat(ReceiverEstimatedMaxBitrate.encodeBitrate(262_143)).isEqualTo(262_143);
        assertThat(ReceiverEstimatedMaxBitrate.encodeBitrate(262_144)).isEqualTo((1 << 18) | 131_072);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate(ReceiverEstimatedMaxBitrate.encodeBitrate(262_145)))
                .isEqualTo(262_144);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate(ReceiverEstimatedMaxBitrate.encodeBitrate(8_927_167)))
                .isEqualTo(8_927_104);
        assertThat(ReceiverEstimatedMaxBitrate.encodeBitrate(0)).isZero();
        long max = ReceiverEstimatedMaxBitrate.decodeBitrate(ReceiverEstimatedMaxBitrate.encodeBitrate(Long.MAX_VALUE));
        assertThat(max).isEqualTo(0x3FFFFL << 45);
    }

    @Test
    void clampsExponentsBeyondALong() {
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate((63 << 18) | 0x3FFFF)).isEqualTo(Long.MAX_VALUE);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate((46 << 18) | 0x3FFFF)).isEqualTo(Long.MAX_VALUE);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate((45 << 18) | 0x3FFFF)).isEqualTo(0x3FFFFL << 45);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate((63 << 18) | 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate((62 << 18) | 1)).isEqualTo(1L << 62);
        assertThat(ReceiverEstimatedMaxBitrate.decodeBitrate(63 << 18)).isZero();
    }

    @Test
    void otherApplicationFeedbackIsUnknown() throws Exception {
        byte[] b = hex("8fce0004 00000001 00000000 41424344 01020304");
        assertThat(RtcpParser.parseCompound(b)).containsExactly(new Unknown(RtcpPacket.TYPE_PSFB, 15, 20));
    }

    @Test
    void rejectsSsrcCountBeyondTheBytes() {
        byte[] b = hex("8fce0005 00000001 00000000 52454d42 021a20df 4874ed16");
        assertThatThrownBy(() -> RtcpParser.parseCompound(b)).isInstanceOf(RtcpParseException.class);
    }

    @Test
    void rejectsNegativeBitrates() {
        assertThatThrownBy(() -> new ReceiverEstimatedMaxBitrate(1, -1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
