package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingot.rtc.rtcp.FullIntraRequest.FirEntry;
import dev.ingot.rtc.rtcp.SourceDescription.Chunk;
import dev.ingot.rtc.rtcp.SourceDescription.Item;
import dev.ingot.rtc.rtcp.TransportCcFeedback.Arrival;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtcpRoundTripTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    private static void assertRoundTrip(RtcpPacket... packets) throws RtcpParseException {
        List<RtcpPacket> list = List.of(packets);
        byte[] b = RtcpWriter.toBytes(list);
        assertThat(b.length % 4).as("whole 32-bit words").isZero();
        assertThat(b.length).isEqualTo(RtcpWriter.encodedLength(list));
        // each packet's length field must describe exactly its bytes
        int pos = 0;
        for (RtcpPacket p : list) {
            int words = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            assertThat(4 * (words + 1)).as("length field of %s", p.getClass().getSimpleName())
                    .isEqualTo(RtcpWriter.encodedLength(p));
            pos += 4 * (words + 1);
        }
        assertThat(RtcpParser.parseCompound(b)).isEqualTo(list);
    }

    private static final ReportBlock BLOCK = new ReportBlock(0xFFFF_FFFFL, 255, -1, 0x0001_0005L, 1234,
            0xb7052000L, 0x00054000L);

    @Test
    void senderReport() throws Exception {
        assertRoundTrip(new SenderReport(1, 0xe020a2a952a53fc0L, 0xFFFF_FFFFL, 70, 0xFFFF_FFFFL, List.of()));
        assertRoundTrip(new SenderReport(1, -1L, 0, 0, 0, List.of(BLOCK, BLOCK)));
        List<ReportBlock> blocks = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            blocks.add(new ReportBlock(i, i, i - 15, i, i, i, i));
        }
        assertRoundTrip(new SenderReport(9, 1L << 32, 5, 6, 7, blocks));
    }

    @Test
    void receiverReportWithSignedCumulativeLoss() throws Exception {
        assertRoundTrip(new ReceiverReport(1, List.of()));
        assertRoundTrip(new ReceiverReport(0xdeadbeefL, List.of(BLOCK,
                new ReportBlock(2, 0, ReportBlock.MAX_CUMULATIVE_LOST, 0, 0, 0, 0),
                new ReportBlock(3, 0, ReportBlock.MIN_CUMULATIVE_LOST, 0, 0, 0, 0))));
        byte[] b = RtcpWriter.toBytes(new ReceiverReport(1, List.of(BLOCK)));
        assertThat(Arrays.copyOfRange(b, 12, 16)).as("fraction 255, cumulative -1").isEqualTo(hex("ffffffff"));
        assertThat(ReportBlock.clampCumulativeLost(10_000_000)).isEqualTo(ReportBlock.MAX_CUMULATIVE_LOST);
        assertThat(ReportBlock.clampCumulativeLost(-10_000_000)).isEqualTo(ReportBlock.MIN_CUMULATIVE_LOST);
        assertThat(ReportBlock.clampCumulativeLost(-3)).isEqualTo(-3);
    }

    @Test
    void sourceDescriptionWithSeveralChunksAndItems() throws Exception {
        assertRoundTrip(SourceDescription.cname(1, ""));
        assertRoundTrip(SourceDescription.cname(1, "a"));
        assertRoundTrip(SourceDescription.cname(1, "ab"));
        assertRoundTrip(SourceDescription.cname(1, "abc"));
        assertRoundTrip(SourceDescription.cname(1, "abcd"));
        assertRoundTrip(new SourceDescription(List.of()));
        assertRoundTrip(new SourceDescription(List.of(
                new Chunk(1, List.of(new Item(SourceDescription.CNAME, "user@host"),
                        new Item(SourceDescription.TOOL, "Ingot ✓"), new Item(SourceDescription.NOTE, "x".repeat(255)))),
                new Chunk(2, List.of()),
                new Chunk(3, List.of(new Item(SourceDescription.PRIV, "\u0003abcvalue"))))));
    }

    @Test
    void sourceDescriptionChunksEndWithOneToFourNullOctets() {
        // 2 + 5 = 7 item bytes: 1 null; 2 + 2 = 4: 4 nulls
        assertThat(RtcpWriter.toBytes(SourceDescription.cname(0x01020304L, "abcde")))
                .isEqualTo(hex("81ca0003 01020304 0105616263646500"));
        assertThat(RtcpWriter.toBytes(SourceDescription.cname(0x01020304L, "ab")))
                .isEqualTo(hex("81ca0003 01020304 01026162 00000000"));
    }

    @Test
    void byeWithAndWithoutReason() throws Exception {
        assertRoundTrip(new Bye(List.of(), ""));
        assertRoundTrip(new Bye(7));
        for (int n = 1; n <= 6; n++) {
            assertRoundTrip(new Bye(List.of(1L, 2L), "r".repeat(n)));
        }
        assertRoundTrip(new Bye(List.of(1L), "é".repeat(127)));
        assertThat(RtcpWriter.toBytes(new Bye(List.of(5L), "bye")))
                .isEqualTo(hex("81cb0002 00000005 03627965"));
        assertThat(RtcpWriter.toBytes(new Bye(List.of(5L), "ciao")))
                .isEqualTo(hex("81cb0003 00000005 04636961 6f000000"));
    }

    @Test
    void feedbackMessages() throws Exception {
        assertRoundTrip(new PictureLossIndication(0, 0xFFFF_FFFFL));
        assertRoundTrip(new FullIntraRequest(1, List.of()));
        assertRoundTrip(new FullIntraRequest(1, List.of(new FirEntry(2, 0), new FirEntry(3, 255))));
        assertRoundTrip(new GenericNack(1, 2, List.of(0, 1, 16, 17, 65535)));
        assertRoundTrip(new ReceiverEstimatedMaxBitrate(1, 0, List.of()));
        assertRoundTrip(new ReceiverEstimatedMaxBitrate(1, 262_143, List.of(1L, 2L, 3L)));
        assertThat(RtcpWriter.toBytes(new PictureLossIndication(1, 2))).isEqualTo(hex("81ce0002 00000001 00000002"));
    }

    @Test
    void aTypicalReceiverCompound() throws Exception {
        TransportCcFeedback tcc = TransportCcFeedback.fromArrivals(1, 0x1234, 0,
                List.of(new Arrival(10, 1_000), new Arrival(11, 2_000), new Arrival(14, 90_000)));
        assertRoundTrip(new ReceiverReport(1, List.of(BLOCK)), SourceDescription.cname(1, "ingot"),
                new GenericNack(1, 0x1234, List.of(7, 9)), new PictureLossIndication(1, 0x1234),
                new ReceiverEstimatedMaxBitrate(1, 2_500_000, List.of(0x1234L)), tcc,
                new FullIntraRequest(1, List.of(new FirEntry(0x1234, 1))), new Bye(1));
    }

    @Test
    void writesAtAnOffsetAndChecksTheRoom() {
        List<RtcpPacket> pli = List.of(new PictureLossIndication(1, 2));
        byte[] buf = new byte[20];
        assertThat(RtcpWriter.write(pli, buf, 8)).isEqualTo(12);
        assertThat(Arrays.copyOfRange(buf, 8, 20)).isEqualTo(hex("81ce0002 00000001 00000002"));
        byte[] small = new byte[19];
        assertThatThrownBy(() -> RtcpWriter.write(pli, small, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThat(small).containsOnly(0);
        assertThatThrownBy(() -> RtcpWriter.write(pli, buf, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesWhatItCannotEncode() {
        assertThatThrownBy(() -> RtcpWriter.toBytes(new Unknown(204, 0, 16)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtcpWriter.toBytes(SourceDescription.cname(1, "x".repeat(256))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtcpWriter.toBytes(new Bye(List.of(1L), "é".repeat(128))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReportBlock(1, 256, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReportBlock(1, 0, 1 << 23, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReceiverReport(1L << 32, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FirEntry(1, 256)).isInstanceOf(IllegalArgumentException.class);
        List<ReportBlock> tooMany = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            tooMany.add(BLOCK);
        }
        assertThatThrownBy(() -> new ReceiverReport(1, tooMany)).isInstanceOf(IllegalArgumentException.class);
    }
}
