package dev.ingot.rtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.rtc.rtcp.FullIntraRequest.FirEntry;
import dev.ingot.rtc.rtcp.TransportCcFeedback.PacketStatus;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packets captured from browsers, parsed and written back. The bytes were retyped from the test
 * data of other projects (cited at each constant); we only took the byte layouts.
 */
class RtcpCaptureTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    /**
     * A Firefox compound packet (RR, SDES with a Firefox-style CNAME, BYE, PLI) followed by an RTPFB
     * FMT 5 (RRR) and an APP packet, from pion/rtcp packet_test.go realPacket().
     */
    static final String FIREFOX_COMPOUND = """
            81c90007 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79
            81ca000c 902f9e2e 0126 7b396330 30656239 322d3161 66622d39 6434392d 61343764
              2d393166 36346565 65363966 357d 00000000
            81cb0001 902f9e2e
            81ce0002 902f9e2e 902f9e2e
            85cd0002 902f9e2e 902f9e2e
            80cc0003 4baae1ab 4e414d45 41424344""";

    /** A Chrome SR (no report blocks) with its SDES CNAME, from pion/rtcp sender_report_test.go (issue #447). */
    static final String CHROME_SR_SDES = """
            80c80006 2b7ec0c5 e020a2a9 52a53fc0 2e48a552 00000046 0000121d
            81ca0006 2b7ec0c5 0110 4c634966 7a586f6e 446f7264 53655736 0000""";

    /** Chrome REMB "while watching a 6Mb/s stream", from pion/rtcp receiver_estimated_maximum_bitrate_test.go. */
    static final String CHROME_REMB = "8fce0005 00000001 00000000 52454d42 011a20df 4874ed16";

    /**
     * Chrome transport-cc feedback dissected by Wireshark (run-length chunk of 9 small deltas, P bit
     * with one padding byte), from olivermichel/webrtc-analysis test/include/data.h twcc_pkt1.
     */
    static final String CHROME_TCC_RUN = """
            afcd0007 00000001 dd586eb6 00010009 5e911000 2009 1c0c2c38 00040008 18 01""";

    /** Transport-cc feedback with one small delta and one padding byte: pion/rtcp transport_layer_cc_test.go example1. */
    static final String TCC_ONE_PACKET = "afcd0005 fa17fa17 43032fa0 00990001 3de80217 2001 94 01";

    /** Transport-cc with 7 small deltas and 3 padding bytes: pion/rtcp transport_layer_cc_test.go example4. */
    static final String TCC_SEVEN_SMALL = """
            afcd0007 fa17fa17 193dd8bb 00040007 10636e01 2007 4c242410 0c0c10 000003""";

    /**
     * Transport-cc with a 2-bit status vector (5 small, 1 lost, 1 large) and a run-length chunk of
     * 48 "not received" cut short by the status count: pion/rtcp transport_layer_cc_test.go example6.
     */
    static final String TCC_VECTOR_AND_RUN = """
            afcd0007 9b74f61f 9371dcbc 853c0009 63f916b3 d552 0030 9baa6aaa7b 0109 01""";

    @Test
    void parsesFirefoxCompoundAndKeepsGoingPastUnknownPackets() throws Exception {
        List<RtcpPacket> packets = RtcpParser.parseCompound(hex(FIREFOX_COMPOUND));
        assertThat(packets).containsExactly(
                new ReceiverReport(0x902f9e2eL,
                        List.of(new ReportBlock(0xbc5e9a40L, 0, 0, 0x46e1, 273, 0x09f36432L, 150137))),
                SourceDescription.cname(0x902f9e2eL, "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}"),
                new Bye(0x902f9e2eL),
                new PictureLossIndication(0x902f9e2eL, 0x902f9e2eL),
                new Unknown(RtcpPacket.TYPE_RTPFB, 5, 12),
                new Unknown(RtcpPacket.TYPE_APP, 0, 16));
        assertThat(((SourceDescription) packets.get(1)).chunks().get(0).cname())
                .contains("{9c00eb92-1afb-9d49-a47d-91f64eee69f5}");
    }

    @Test
    void writesTheFirefoxCompoundBackByteForByte() throws Exception {
        byte[] capture = hex(FIREFOX_COMPOUND);
        List<RtcpPacket> known = RtcpParser.parseCompound(capture).subList(0, 4);
        byte[] out = RtcpWriter.toBytes(known);
        assertThat(out).isEqualTo(Arrays.copyOf(capture, 104));
    }

    @Test
    void parsesChromeSenderReportWithCname() throws Exception {
        byte[] capture = hex(CHROME_SR_SDES);
        List<RtcpPacket> packets = RtcpParser.parseCompound(capture);
        assertThat(packets).containsExactly(
                new SenderReport(0x2b7ec0c5L, 0xe020a2a952a53fc0L, 0x2e48a552L, 70, 4637, List.of()),
                SourceDescription.cname(0x2b7ec0c5L, "LcIfzXonDordSeW6"));
        assertThat(RtcpWriter.toBytes(packets)).isEqualTo(capture);
        SenderReport sr = (SenderReport) packets.get(0);
        NtpTime ntp = new NtpTime(sr.ntpTimestamp());
        assertThat(ntp.middle32()).isEqualTo(0xa2a952a5L);
        // 0xe020a2a9 s after 1900 is 2019-02-27
        assertThat(ntp.toUnixNanos() / 1_000_000_000L).isEqualTo(0xe020a2a9L - NtpTime.NTP_TO_UNIX_SECONDS);
    }

    @Test
    void parsesAndWritesChromeRemb() throws Exception {
        byte[] capture = hex(CHROME_REMB);
        List<RtcpPacket> packets = RtcpParser.parseCompound(capture);
        assertThat(packets).containsExactly(new ReceiverEstimatedMaxBitrate(1, 8_927_168L, List.of(1215622422L)));
        assertThat(RtcpWriter.toBytes(packets)).isEqualTo(capture);
    }

    @Test
    void parsesAndWritesChromeTransportCcRunLength() throws Exception {
        byte[] capture = hex(CHROME_TCC_RUN);
        List<RtcpPacket> packets = RtcpParser.parseCompound(capture);
        int[] deltas = {0x1c, 0x0c, 0x2c, 0x38, 0x00, 0x04, 0x00, 0x08, 0x18};
        List<PacketStatus> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < deltas.length; i++) {
            statuses.add(PacketStatus.received(1 + i, deltas[i]));
        }
        TransportCcFeedback expected = new TransportCcFeedback(1, 0xdd586eb6L, 1, 6197520, 0, statuses);
        assertThat(packets).containsExactly(expected);
        assertThat(RtcpWriter.toBytes(expected)).isEqualTo(capture);
        // Wireshark's reading: 7 ms, 3 ms, 11 ms ... after the reference time
        long[] times = expected.receiveTimesMicros();
        assertThat(times[0]).isEqualTo(6197520L * 64_000 + 7_000);
        assertThat(times[1] - times[0]).isEqualTo(3_000);
        assertThat(times[8] - times[7]).isEqualTo(6_000);
    }

    @Test
    void parsesAndWritesTransportCcWithOneSmallDelta() throws Exception {
        byte[] capture = hex(TCC_ONE_PACKET);
        TransportCcFeedback expected = new TransportCcFeedback(4195875351L, 1124282272L, 153, 4057090, 23,
                List.of(PacketStatus.received(153, 148)));
        assertThat(RtcpParser.parseCompound(capture)).containsExactly(expected);
        assertThat(expected.packets().get(0).deltaMicros()).isEqualTo(37_000);
        assertThat(RtcpWriter.toBytes(expected)).isEqualTo(capture);
    }

    @Test
    void parsesAndWritesTransportCcWithThreePaddingBytes() throws Exception {
        byte[] capture = hex(TCC_SEVEN_SMALL);
        int[] deltas = {76, 36, 36, 16, 12, 12, 16};
        List<PacketStatus> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < deltas.length; i++) {
            statuses.add(PacketStatus.received(4 + i, deltas[i]));
        }
        TransportCcFeedback expected = new TransportCcFeedback(4195875351L, 423483579L, 4, 1074030, 1, statuses);
        assertThat(RtcpParser.parseCompound(capture)).containsExactly(expected);
        assertThat(RtcpWriter.toBytes(expected)).isEqualTo(capture);
    }

    @Test
    void parsesTransportCcWithStatusVectorLargeDeltaAndOverlongRun() throws Exception {
        byte[] capture = hex(TCC_VECTOR_AND_RUN);
        TransportCcFeedback expected = new TransportCcFeedback(2608133663L, 2473712828L, 34108, 6551830, 179,
                List.of(PacketStatus.received(34108, 155), PacketStatus.received(34109, 170),
                        PacketStatus.received(34110, 106), PacketStatus.received(34111, 170),
                        PacketStatus.received(34112, 123), PacketStatus.lost(34113),
                        PacketStatus.received(34114, 265), PacketStatus.lost(34115), PacketStatus.lost(34116)));
        assertThat(RtcpParser.parseCompound(capture)).containsExactly(expected);
        assertThat(expected.packets().get(6).largeDelta()).isTrue();
        // We write the same 2-bit vector but a run of exactly the 2 remaining statuses.
        byte[] written = RtcpWriter.toBytes(expected);
        assertThat(Arrays.copyOfRange(written, 20, 24)).isEqualTo(hex("d552 0002"));
        assertThat(RtcpParser.parseCompound(written)).containsExactly(expected);
    }

    @Test
    void parsesNackAndFirLayouts() throws Exception {
        // pion/rtcp transport_layer_nack_test.go "valid": PID 0xaaaa, BLP 0x5555
        byte[] nack = hex("81cd0003 902f9e2e 902f9e2e aaaa5555");
        GenericNack expectedNack = new GenericNack(0x902f9e2eL, 0x902f9e2eL,
                List.of(0xaaaa, 0xaaab, 0xaaad, 0xaaaf, 0xaab1, 0xaab3, 0xaab5, 0xaab7, 0xaab9));
        assertThat(RtcpParser.parseCompound(nack)).containsExactly(expectedNack);
        assertThat(RtcpWriter.toBytes(expectedNack)).isEqualTo(nack);

        // pion/rtcp full_intra_request_test.go "also valid": media SSRC 0x4bc4fcb4 is ignored (SHALL be 0)
        byte[] fir = hex("84ce0006 00000000 4bc4fcb4 12345678 42000000 98765432 57000000");
        FullIntraRequest expectedFir = new FullIntraRequest(0,
                List.of(new FirEntry(0x12345678L, 0x42), new FirEntry(0x98765432L, 0x57)));
        assertThat(RtcpParser.parseCompound(fir)).containsExactly(expectedFir);
        assertThat(RtcpWriter.toBytes(expectedFir)).isEqualTo(hex("84ce0006 00000000 00000000 12345678 42000000 98765432 57000000"));
    }
}
