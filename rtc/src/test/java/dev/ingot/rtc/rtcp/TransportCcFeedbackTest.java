package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingot.rtc.rtcp.TransportCcFeedback.Arrival;
import dev.ingot.rtc.rtcp.TransportCcFeedback.PacketStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportCcFeedbackTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    private static TransportCcFeedback parse(byte[] b) throws RtcpParseException {
        List<RtcpPacket> packets = RtcpParser.parseCompound(b);
        assertThat(packets).hasSize(1);
        return (TransportCcFeedback) packets.get(0);
    }

    private static TransportCcFeedback roundTrip(TransportCcFeedback f) throws RtcpParseException {
        byte[] b = RtcpWriter.toBytes(f);
        assertThat(b.length % 4).isZero();
        TransportCcFeedback back = parse(b);
        assertThat(back).isEqualTo(f);
        return back;
    }

    private static int chunk(byte[] written, int index) {
        return ((written[20 + 2 * index] & 0xFF) << 8) | (written[21 + 2 * index] & 0xFF);
    }

    /** draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.3 example 1: a run of 221 "not received". */
    @Test
    void draftRunLengthExampleIs221NotReceived() throws Exception {
        byte[] b = hex("afcd0005 00000001 00000002 000000dd 00000000 00dd 0002");
        TransportCcFeedback f = parse(b);
        assertThat(f.packets()).hasSize(221).allMatch(p -> !p.received());
        assertThat(f.packets().get(220).sequenceNumber()).isEqualTo(220);
        assertThat(RtcpWriter.toBytes(f)).isEqualTo(b);
    }

    /** §3.1.4 example 1: 1-bit vector 0x9F1C = 1 lost, 5 received, 3 lost, 3 received, 2 lost. */
    @Test
    void draftOneBitVectorExampleParsesAndIsWhatWeWrite() throws Exception {
        byte[] b = hex("afcd0007 00000001 00000002 0064000e 00000105 9f1c 0102030405060708 0002");
        TransportCcFeedback f = parse(b);
        boolean[] received = {false, true, true, true, true, true, false, false, false, true, true, true, false, false};
        assertThat(f.packets()).hasSize(14);
        for (int i = 0; i < 14; i++) {
            assertThat(f.packets().get(i).received()).as("status %d", i).isEqualTo(received[i]);
            assertThat(f.packets().get(i).sequenceNumber()).isEqualTo(100 + i);
        }
        assertThat(f.packets().get(1).deltaTicks()).isEqualTo(1);
        assertThat(f.packets().get(11).deltaTicks()).isEqualTo(8);
        assertThat(f.referenceTime()).isEqualTo(1);
        assertThat(f.feedbackPacketCount()).isEqualTo(5);
        assertThat(RtcpWriter.toBytes(f)).isEqualTo(b);
    }

    /**
     * §3.1.3 example 2 and §3.1.4 example 2 use symbol 11, which §3.1.1 reserves; libwebrtc rejects
     * such feedback and so do we.
     */
    @Test
    void rejectsTheReservedSymbolOfTheDraftsSecondExamples() {
        byte[] run = hex("8fcd0005 00000001 00000002 00000018 00000000 6018 0000");
        assertThatThrownBy(() -> RtcpParser.parseCompound(run)).isInstanceOf(RtcpParseException.class)
                .hasMessageContaining("reserved");
        byte[] vector = hex("afcd0006 00000001 00000002 00000007 00000000 cd50 010203 000003");
        assertThatThrownBy(() -> RtcpParser.parseCompound(vector)).isInstanceOf(RtcpParseException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void usesTwoBitVectorsAroundLargeAndNegativeDeltas() throws Exception {
        List<PacketStatus> s = List.of(PacketStatus.received(10, 10), PacketStatus.received(11, -4),
                PacketStatus.lost(12), PacketStatus.received(13, 300), PacketStatus.received(14, 0),
                PacketStatus.received(15, 255), PacketStatus.received(16, 32767), PacketStatus.received(17, -32768),
                PacketStatus.lost(18));
        TransportCcFeedback f = new TransportCcFeedback(7, 8, 10, 0xFF_FFFF, 255, s);
        byte[] b = RtcpWriter.toBytes(f);
        // 01 10 00 10 01 01 10 | 10 00 (then a 2-bit vector of the last two)
        assertThat(chunk(b, 0)).isEqualTo(0xC000 | 0b01_10_00_10_01_01_10);
        assertThat(chunk(b, 1)).isEqualTo(0xC000 | 0b10_00_00_00_00_00_00);
        // deltas: 1 + 2 + 2 + 1 + 1 + 2 + 2 bytes = 11; 20 + 4 + 11 = 35 -> 1 padding byte
        assertThat(b.length).isEqualTo(36);
        assertThat(b[0] & 0x20).as("P bit").isNotZero();
        assertThat(b[35]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(b, 24, 35)).isEqualTo(hex("0a fffc 012c 00 ff 7fff 8000"));
        roundTrip(f);
    }

    @Test
    void runsLongerThan8191SplitIntoSeveralRunChunks() throws Exception {
        List<PacketStatus> s = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            s.add(PacketStatus.received((65000 + i) & 0xFFFF, 4));
        }
        TransportCcFeedback f = new TransportCcFeedback(1, 2, 65000, 0, 0, s);
        byte[] b = RtcpWriter.toBytes(f);
        assertThat(chunk(b, 0)).isEqualTo(0x2000 | 8191);
        assertThat(chunk(b, 1)).isEqualTo(0x2000 | (10_000 - 8191));
        assertThat(b.length).isEqualTo(20 + 4 + 10_000);
        roundTrip(f);
    }

    @Test
    void mixesRunAndVectorChunks() throws Exception {
        List<PacketStatus> s = new ArrayList<>();
        int seq = 500;
        for (int i = 0; i < 30; i++) {
            s.add(PacketStatus.lost(seq++));
        }
        for (int i = 0; i < 5; i++) {
            s.add(PacketStatus.received(seq++, 1));
            s.add(PacketStatus.lost(seq++));
        }
        for (int i = 0; i < 20; i++) {
            s.add(PacketStatus.received(seq++, 2));
        }
        s.add(PacketStatus.received(seq++, -1));
        TransportCcFeedback f = new TransportCcFeedback(1, 2, 500, 77, 3, s);
        byte[] b = RtcpWriter.toBytes(f);
        assertThat(chunk(b, 0)).as("run of 30 lost").isEqualTo(30);
        assertThat(chunk(b, 1) & 0xC000).as("then a 1-bit vector").isEqualTo(0x8000);
        roundTrip(f);
    }

    @Test
    void statusCountCutsTheLastChunkShort() throws Exception {
        // 9 chunks of "8191 not received" for a status count of 65535: a tiny packet, a long list
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            chunks.append("1fff");
        }
        byte[] b = hex("afcd0009 00000001 00000002 0000ffff 00000000 " + chunks + "0002");
        TransportCcFeedback f = parse(b);
        assertThat(f.packets()).hasSize(65535).allMatch(p -> !p.received());
        assertThat(f.packets().get(65534).sequenceNumber()).isEqualTo(65534);
        roundTrip(f);
    }

    @Test
    void emptyFeedbackParses() throws Exception {
        // pion/rtcp transport_layer_cc_test.go example7: status count 0, no chunks
        byte[] b = hex("8fcd0004 9acb0442 00000000 00000000 00000000");
        TransportCcFeedback f = parse(b);
        assertThat(f).isEqualTo(new TransportCcFeedback(0x9acb0442L, 0, 0, 0, 0, List.of()));
        assertThat(RtcpWriter.toBytes(f)).isEqualTo(b);
    }

    @Test
    void rejectsMissingChunksAndDeltas() {
        byte[] noChunk = hex("8fcd0004 00000001 00000002 00000003 00000000");
        assertThatThrownBy(() -> RtcpParser.parseCompound(noChunk)).isInstanceOf(RtcpParseException.class);
        // run of 3 small deltas, but only 2 delta bytes
        byte[] shortDeltas = hex("8fcd0005 00000001 00000002 00000003 00000000 2003 0102");
        assertThatThrownBy(() -> RtcpParser.parseCompound(shortDeltas)).isInstanceOf(RtcpParseException.class);
        // a large delta cut in half
        byte[] halfLarge = hex("afcd0005 00000001 00000002 00000001 00000000 4001 01 01");
        assertThatThrownBy(() -> RtcpParser.parseCompound(halfLarge)).isInstanceOf(RtcpParseException.class);
        byte[] shortHeader = hex("8fcd0003 00000001 00000002 00000003");
        assertThatThrownBy(() -> RtcpParser.parseCompound(shortHeader)).isInstanceOf(RtcpParseException.class);
    }

    @Test
    void buildsFromArrivalsAcrossTheSequenceWrap() throws Exception {
        TransportCcFeedback f = TransportCcFeedback.fromArrivals(1, 2, 9, List.of(
                new Arrival(65534, 1_000_000), new Arrival(65535, 1_000_300),
                new Arrival(1, 1_010_000), new Arrival(2, 1_009_000), Arrival.lost(3)));
        assertThat(f.baseSequenceNumber()).isEqualTo(65534);
        assertThat(f.referenceTime()).isEqualTo(15); // 1 s / 64 ms, rounded down
        assertThat(f.feedbackPacketCount()).isEqualTo(9);
        assertThat(f.packets()).containsExactly(PacketStatus.received(65534, 160), PacketStatus.received(65535, 1),
                PacketStatus.lost(0), PacketStatus.received(1, 39), PacketStatus.received(2, -4), PacketStatus.lost(3));
        assertThat(f.receiveTimesMicros()).containsExactly(1_000_000, 1_000_250, TransportCcFeedback.NOT_RECEIVED,
                1_010_000, 1_009_000, TransportCcFeedback.NOT_RECEIVED);
        roundTrip(f);
    }

    @Test
    void arrivalRoundingDoesNotAccumulate() throws Exception {
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            arrivals.add(new Arrival(i, 5_000_000_000L + i * 333L)); // 333 us apart: never a whole tick
        }
        TransportCcFeedback f = roundTrip(TransportCcFeedback.fromArrivals(1, 2, 0, arrivals));
        long[] times = f.receiveTimesMicros();
        long referenceMicros = (5_000_000_000L / 64_000) * 64_000;
        for (int i = 0; i < 1000; i++) {
            long expected = 5_000_000_000L + i * 333L - referenceMicros + f.referenceTimeMicros();
            assertThat(Math.abs(times[i] - expected)).as("packet %d", i).isLessThanOrEqualTo(125);
        }
    }

    @Test
    void referenceTimeWrapsAt24Bits() {
        long micros = (1L << 24) * 64_000 + 3 * 64_000 + 10;
        TransportCcFeedback f = TransportCcFeedback.fromArrivals(1, 2, 0, List.of(new Arrival(0, micros)));
        assertThat(f.referenceTime()).isEqualTo(3);
        assertThat(f.packets().get(0).deltaTicks()).isZero();
    }

    @Test
    void rejectsArrivalsTheFormatCannotCarry() {
        assertThatThrownBy(() -> TransportCcFeedback.fromArrivals(1, 2, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransportCcFeedback.fromArrivals(1, 2, 0,
                List.of(new Arrival(1, 0), new Arrival(2, 8_200_000))))
                .as("more than 8191.75 ms apart").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransportCcFeedback.fromArrivals(1, 2, 0,
                List.of(new Arrival(5, 0), new Arrival(4, 10))))
                .as("sequence going backwards").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransportCcFeedback.fromArrivals(1, 2, 0,
                List.of(new Arrival(5, 0), new Arrival(5, 10))))
                .as("repeated sequence number").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TransportCcFeedback(1, 2, 5, 0, 0, List.of(PacketStatus.lost(6))))
                .as("statuses not starting at the base").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allLostArrivalsHaveNoReferenceTime() throws Exception {
        TransportCcFeedback f = TransportCcFeedback.fromArrivals(1, 2, 0, List.of(Arrival.lost(10), Arrival.lost(12)));
        assertThat(f.referenceTime()).isZero();
        assertThat(f.packets()).containsExactly(PacketStatus.lost(10), PacketStatus.lost(11), PacketStatus.lost(12));
        roundTrip(f);
    }
}
