package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenericNackTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    private static List<Integer> range(int from, int count, int step) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add((from + i * step) & 0xFFFF);
        }
        return out;
    }

    /** The FCI bytes (after the 12-byte header and SSRCs) that the writer produces. */
    private static byte[] fci(List<Integer> lost) {
        byte[] b = RtcpWriter.toBytes(new GenericNack(1, 2, lost));
        return Arrays.copyOfRange(b, 12, b.length);
    }

    private static GenericNack roundTrip(GenericNack nack) throws RtcpParseException {
        return (GenericNack) RtcpParser.parseCompound(RtcpWriter.toBytes(nack)).get(0);
    }

    @Test
    void seventeenConsecutiveLossesFitOneEntry() throws Exception {
        List<Integer> lost = range(100, 17, 1);
        assertThat(fci(lost)).isEqualTo(hex("0064 ffff"));
        assertThat(roundTrip(new GenericNack(1, 2, lost)).lostSequenceNumbers()).isEqualTo(lost);
    }

    @Test
    void eighteenConsecutiveLossesNeedTwoEntries() throws Exception {
        List<Integer> lost = range(100, 18, 1);
        assertThat(fci(lost)).isEqualTo(hex("0064 ffff 0075 0000"));
        assertThat(roundTrip(new GenericNack(1, 2, lost)).lostSequenceNumbers()).isEqualTo(lost);
    }

    @Test
    void seventeenSpreadLossesSpanTwoEntries() throws Exception {
        List<Integer> lost = range(100, 17, 2); // 100, 102, ..., 132
        // PID 100 covers 102..116 (bits 1,3,..,15), PID 118 covers 120..132 (bits 1,3,..,13)
        assertThat(fci(lost)).isEqualTo(hex("0064 aaaa 0076 2aaa"));
        GenericNack parsed = roundTrip(new GenericNack(1, 2, lost));
        assertThat(parsed.lostSequenceNumbers()).hasSize(17).isEqualTo(lost);
    }

    @Test
    void entriesSpanTheWrapAt65535() throws Exception {
        List<Integer> lost = range(65530, 11, 1); // 65530..65535, 0..4
        assertThat(fci(lost)).isEqualTo(hex("fffa 03ff"));
        assertThat(roundTrip(new GenericNack(1, 2, lost)).lostSequenceNumbers())
                .containsExactly(65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4);
    }

    @Test
    void expandsPidAndBlpAcrossTheWrap() throws Exception {
        byte[] b = hex("81cd0004 00000001 00000002 ffff 0001 fff0 8000");
        GenericNack nack = (GenericNack) RtcpParser.parseCompound(b).get(0);
        assertThat(nack.lostSequenceNumbers()).containsExactly(65535, 0, 65520, 0);
    }

    @Test
    void lastBitOfBlpIsPidPlusSixteen() throws Exception {
        byte[] b = hex("81cd0003 00000001 00000002 002a 8000");
        assertThat(((GenericNack) RtcpParser.parseCompound(b).get(0)).lostSequenceNumbers()).containsExactly(42, 58);
    }

    @Test
    void outOfOrderNumbersStartNewEntriesAndRepeatsCollapse() throws Exception {
        assertThat(fci(List.of(5, 3))).isEqualTo(hex("0005 0000 0003 0000"));
        assertThat(roundTrip(new GenericNack(1, 2, List.of(5, 3))).lostSequenceNumbers()).containsExactly(5, 3);
        assertThat(fci(List.of(5, 5, 6, 6))).isEqualTo(hex("0005 0001"));
    }

    @Test
    void emptyListWritesNoEntries() throws Exception {
        byte[] b = RtcpWriter.toBytes(new GenericNack(1, 2, List.of()));
        assertThat(b).isEqualTo(hex("81cd0002 00000001 00000002"));
        assertThat(roundTrip(new GenericNack(1, 2, List.of())).lostSequenceNumbers()).isEmpty();
    }

    @Test
    void manyEntriesRoundTrip() throws Exception {
        List<Integer> lost = range(60000, 1000, 7); // wraps, one entry per 3 numbers
        GenericNack parsed = roundTrip(new GenericNack(1, 2, lost));
        assertThat(parsed.lostSequenceNumbers()).isEqualTo(lost);
        assertThat(RtcpWriter.nackEntryCount(lost)).isEqualTo(334);
    }

    @Test
    void rejectsPartialFciEntries() {
        byte[] odd = hex("a1cd0003 00000001 00000002 002a 0002"); // padding leaves a 2-byte FCI
        assertThatThrownBy(() -> RtcpParser.parseCompound(odd)).isInstanceOf(RtcpParseException.class);
    }

    @Test
    void rejectsOutOfRangeSequenceNumbers() {
        assertThatThrownBy(() -> new GenericNack(1, 2, List.of(65536))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenericNack(1, 2, List.of(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
