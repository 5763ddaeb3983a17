package dev.ingot.fuzz;

import dev.ingot.rtc.dtls.DtlsRole;
import dev.ingot.rtc.rtcp.Bye;
import dev.ingot.rtc.rtcp.FullIntraRequest;
import dev.ingot.rtc.rtcp.GenericNack;
import dev.ingot.rtc.rtcp.PictureLossIndication;
import dev.ingot.rtc.rtcp.ReceiverEstimatedMaxBitrate;
import dev.ingot.rtc.rtcp.ReceiverReport;
import dev.ingot.rtc.rtcp.ReportBlock;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.RtcpWriter;
import dev.ingot.rtc.rtcp.SenderReport;
import dev.ingot.rtc.rtcp.SourceDescription;
import dev.ingot.rtc.rtcp.TransportCcFeedback;
import dev.ingot.rtc.rtp.RtpPacketWriter;
import dev.ingot.rtc.stun.StunMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the binary seed files under {@code src/test/resources/dev/ingot/fuzz/<Class>Inputs/<method>/} (the text
 * seeds, SDP and JSON, are kept by hand). Run it again after changing a program layout or the DTLS fixtures:
 * <pre>
 *   mvn -o -q -pl fuzz test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp fuzz/target/test-classes:$(cat fuzz/target/cp.txt) dev.ingot.fuzz.SeedCorpus fuzz/src/test/resources
 * </pre>
 */
final class SeedCorpus {
    /** RFC 5769 §2.1 sample request (SOFTWARE and USERNAME padded with 0x20). */
    static final byte[] RFC5769_REQUEST = hex("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""");
    /** RFC 5769 §2.2 sample IPv4 response. */
    static final byte[] RFC5769_IPV4_RESPONSE = hex("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");
    /** RFC 5769 §2.3 sample IPv6 response. */
    static final byte[] RFC5769_IPV6_RESPONSE = hex("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");
    /** A Firefox compound (RR, SDES, BYE, PLI, RTPFB FMT 5, APP), from pion/rtcp packet_test.go. */
    static final byte[] FIREFOX_COMPOUND = hex("""
            81c90007 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79
            81ca000c 902f9e2e 0126 7b396330 30656239 322d3161 66622d39 6434392d 61343764
            2d393166 36346565 65363966 357d 00000000
            81cb0001 902f9e2e
            81ce0002 902f9e2e 902f9e2e
            85cd0002 902f9e2e 902f9e2e
            80cc0003 4baae1ab 4e414d45 41424344""");
    /** Chrome transport-cc: a 2-bit vector and a run cut short by the status count (pion/rtcp example6). */
    static final byte[] TCC_VECTOR_AND_RUN = hex("""
            afcd0007 9b74f61f 9371dcbc 853c0009 63f916b3 d552 0030 9baa6aaa7b 0109 01""");
    /** Chrome REMB, from pion/rtcp. */
    static final byte[] CHROME_REMB = hex("8fce0005 00000001 00000000 52454d42 011a20df 4874ed16");

    private SeedCorpus() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "fuzz/src/test/resources").resolve("dev/ingot/fuzz");

        // STUN
        Path stun = root.resolve("StunFuzzTestInputs/parse");
        write(stun, "rfc5769-request", RFC5769_REQUEST);
        write(stun, "rfc5769-ipv4-response", RFC5769_IPV4_RESPONSE);
        write(stun, "rfc5769-ipv6-response", RFC5769_IPV6_RESPONSE);
        write(stun, "ice-check", StunRequests.build(new FuzzBytes(signedCheck(0x0078, 0))));
        write(root.resolve("StunFuzzTestInputs/iceLiteAgent"), "check-restart-check", new FuzzBytes.Writer()
                .u8(0)
                .u8(0x01).u16(10).bytes(signedCheck(0x0018, 0))
                .u8(0x00).u16(10).chunk(RFC5769_REQUEST)
                .u8(0x12).u16(10)
                .u8(0x11).u16(10).bytes(signedCheck(0x0019, 1))
                .u8(0x21).u16(40_000).bytes(signedCheck(0x0010, 1))
                .toByteArray());

        // RTP
        byte[] rtpOneByte = new RtpPacketWriter().payloadType(96).marker(true).sequenceNumber(4711).timestamp(90_000)
                .ssrc(0x1111_2222L).transportSequenceNumber(3, 17).mid(4, "0").toBytes(new byte[] {0x65, 1, 2, 3});
        byte[] rtpTwoByte = new RtpPacketWriter().payloadType(111).sequenceNumber(65535).timestamp(0xFFFF_FFFFL)
                .ssrc(7).csrcs(1, 2).extension(20, new byte[0]).absSendTime(2, 0x123456).padding(3)
                .toBytes(new byte[] {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE});
        Path rtp = root.resolve("RtpFuzzTestInputs/wrap");
        write(rtp, "one-byte-extensions", rtpOneByte);
        write(rtp, "two-byte-extensions-padding-csrcs", rtpTwoByte);
        write(root.resolve("RtpFuzzTestInputs/writerRoundTrip"), "program", new FuzzBytes.Writer()
                .u8(0x25).u8(96).u16(1).u32(2).u32(3).u32(10).u32(11)
                .u8(2).u8(3).u8(2).u16(0x0102).u8(20).u8(0)
                .u8(4).u8(4).bytes(new byte[] {1, 2, 3, 4}).toByteArray());

        // RTCP
        Path rtcp = root.resolve("RtcpFuzzTestInputs/parseCompound");
        write(rtcp, "firefox-compound", FIREFOX_COMPOUND);
        write(rtcp, "chrome-tcc", TCC_VECTOR_AND_RUN);
        write(rtcp, "chrome-remb", CHROME_REMB);
        byte[] ours = RtcpWriter.toBytes(List.<RtcpPacket>of(
                new SenderReport(0x1234L, 0xe020a2a952a53fc0L, 1000, 10, 1200,
                        List.of(new ReportBlock(5, 3, 2, 70_000, 12, 0xa2a952a5L, 65536))),
                SourceDescription.cname(0x1234L, "ingot"),
                new GenericNack(0x1234L, 5, List.of(10, 11, 13, 40)),
                new FullIntraRequest(0x1234L, List.of(new FullIntraRequest.FirEntry(5, 1))),
                new PictureLossIndication(0x1234L, 5),
                new ReceiverEstimatedMaxBitrate(0x1234L, 2_500_000, List.of(5L)),
                TransportCcFeedback.fromArrivals(0x1234L, 5, 1, List.of(
                        new TransportCcFeedback.Arrival(100, 1_000_000),
                        TransportCcFeedback.Arrival.lost(101),
                        new TransportCcFeedback.Arrival(102, 1_000_250),
                        new TransportCcFeedback.Arrival(103, 1_100_000))),
                new Bye(List.of(5L), "bye")));
        write(rtcp, "all-types-we-write", ours);
        byte[] rr = RtcpWriter.toBytes(List.<RtcpPacket>of(new ReceiverReport(0x1234L, List.of())));

        // SRTP: protect an RTP and an RTCP packet, replay, change a byte; once per profile.
        for (int profile = 0; profile < 3; profile++) {
            write(root.resolve("SrtpFuzzTestInputs/unprotect"), "protect-replay-tamper-" + profile,
                    new FuzzBytes.Writer().u8(profile)
                            .u8(2).chunk(rtpOneByte)
                            .u8(4)
                            .u8(3).chunk(ours)
                            .u8(4)
                            .u8(5).u16(20).u8(1)
                            .u8(2).chunk(rtpTwoByte)
                            .u8(0).chunk(rtpTwoByte)
                            .u8(1).chunk(rr)
                            .toByteArray());
        }

        // DTLS: an honest peer's datagrams, recorded.
        for (DtlsRole role : DtlsRole.values()) {
            String method = role == DtlsRole.SERVER ? "serverHandshake" : "clientHandshake";
            List<byte[]> peer = DtlsFuzzTest.recordHonestPeer(role);
            write(root.resolve("DtlsFuzzTestInputs/" + method), "honest-peer", DtlsFuzzTest.frame(peer));
            write(root.resolve("DtlsFuzzTestInputs/" + method), "first-flight", DtlsFuzzTest.frame(peer.subList(0, 1)));
        }
        byte[] clientHello = DtlsFuzzTest.recordHonestPeer(DtlsRole.SERVER).get(0);

        // Session: raw datagrams of every kind; a publisher's program.
        write(root.resolve("SessionFuzzTestInputs/handleDatagram"), "stun-dtls-rtp-rtcp", new FuzzBytes.Writer()
                .u8(0).chunk(RFC5769_REQUEST)
                .u8(4).chunk(StunRequests.build(new FuzzBytes(signedCheck(0x0010, 0))))
                .u8(0).chunk(clientHello)
                .u8(0).chunk(rtpOneByte)
                .u8(1).chunk(ours)
                .u8(0).chunk(new byte[] {(byte) 0xFF, 0})
                .toByteArray());
        write(root.resolve("SessionFuzzTestInputs/publisherProgram"), "connect-key-media", new FuzzBytes.Writer()
                .u8(0x0F).u8(0x1F)
                .u8(0x01).u8(1).bytes(signedCheck(0x0018, 0))
                .u8(0x02).u8(1).u32(7)
                .u8(0x03).u8(2).chunk(rtpOneByte)
                .u8(0x0B).u8(2).chunk(new RtpPacketWriter().payloadType(97).sequenceNumber(1).ssrc(0x3333)
                        .toBytes(new byte[] {0x12, 0x67, 0x65, 1}))
                .u8(0x13).u8(2).chunk(new RtpPacketWriter().payloadType(111).sequenceNumber(9).ssrc(0x4444)
                        .toBytes(new byte[] {(byte) 0xF8, 1}))
                .u8(0x04).u8(2).chunk(ours)
                .u8(0x0D).u8(10)
                .u8(0x05).u8(120)
                .u8(0x00).u8(1).chunk(clientHello)
                .u8(0x06).u8(1)
                .u8(0x01).u8(1).bytes(signedCheck(0x0019, 1))
                .u8(0x05).u8(255)
                .toByteArray());
        // Depacketizers: each a program of packets in DepacketizerFuzzTest's layout.
        Path depacketizer = root.resolve("DepacketizerFuzzTestInputs");
        byte[] fmtp = "profile-level-id=42e01f;packetization-mode=1;sprop-parameter-sets=Z0LgH9oBQBbpUgAAAwACAAADAGQeMGVA,aM48gA=="
                .getBytes(StandardCharsets.US_ASCII);
        write(depacketizer.resolve("h264"), "stap-idr-fua-loss-reset", new FuzzBytes.Writer()
                .u8(fmtp.length).bytes(fmtp).u16(100).u32(90_000)
                .u8(0x00).chunk(hex("18 000a 6742e01fda014016e952 0004 68ce3c80"))
                .u8(0x10).chunk(hex("65 888400 33ff"))
                .u8(0x08).u16(3000).chunk(hex("7c85 01020304"))
                .u8(0x00).chunk(hex("7c05 0506"))
                .u8(0x10).chunk(hex("7c45 0708"))
                .u8(0x18).u16(3000).chunk(hex("41 9a0211"))
                .u8(0x1C).u8(1).u16(3000).chunk(hex("41 9a0422"))
                .u8(0xFF)
                .u8(0x18).u16(3000).chunk(hex("65 88840055"))
                .toByteArray());
        write(depacketizer.resolve("vp8"), "key-inter-split-loss", new FuzzBytes.Writer()
                .u16(7).u32(1)
                .u8(0x10).chunk(hex("908001 500100 9d012a 4001 f000 aabb"))
                .u8(0x18).u16(3000).chunk(hex("908002 510100 ccdd"))
                .u8(0x08).u16(3000).chunk(hex("908003 510200 ee"))
                .u8(0x10).chunk(hex("808003 ff"))
                .u8(0x1C).u8(2).u16(3000).chunk(hex("908007 510100 11"))
                .toByteArray());
        write(depacketizer.resolve("vp9"), "key-with-ss-inter-split", new FuzzBytes.Writer()
                .u16(65_530).u32(0xFFFF_F000L)
                .u8(0x10).chunk(hex("8e01 18 0280 01e0 01 04 01 824983420012"))
                .u8(0x18).u16(3000).chunk(hex("cc02 8600aa"))
                .u8(0x08).u16(3000).chunk(hex("c803 8600bb"))
                .u8(0x10).chunk(hex("c403 cc"))
                .u8(0x1C).u8(3).u16(3000).chunk(hex("cc09 8600dd"))
                .toByteArray());
        write(depacketizer.resolve("opus"), "packets-padding-gap-late", new FuzzBytes.Writer()
                .u16(1).u32(0)
                .u8(0x08).u16(960).chunk(hex("fc ff fe"))
                .u8(0x08).u16(960).chunk(new byte[0])
                .u8(0x0C).u8(3).u16(960).chunk(hex("78 0102"))
                .u8(0x0E).u8(1).u16(960).chunk(hex("78 03"))
                .u8(0x05).chunk(hex("78 04"))
                .toByteArray());

        // H.265 (RFC 7798): x265's parameter sets out of band and in an AP, an IDR in a FU, a loss, a reset
        byte[] hevcFmtp = ("profile-id=1;sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwBdugJA;"
                + "sprop-sps=QgEBAWAAAAMAkAAAAwAAAwBdoAKAgC0WW6Skwv/wABAAFqAgICCAAAADAIAAAA8E;sprop-pps=RAHAcYMS")
                .getBytes(StandardCharsets.US_ASCII);
        write(depacketizer.resolve("h265"), "ap-idr-fu-loss-reset", new FuzzBytes.Writer()
                .u8(hevcFmtp.length).bytes(hevcFmtp).u16(200).u32(90_000)
                .u8(0x00).chunk(hex("6001 0004 44 01 c0 71 0004 4601 5000"))
                .u8(0x00).chunk(hex("6201 93 af0011"))
                .u8(0x00).chunk(hex("6201 13 2233"))
                .u8(0x10).chunk(hex("6201 53 4455"))
                .u8(0x18).u16(3000).chunk(hex("0201 d02244"))
                .u8(0x1C).u8(1).u16(3000).chunk(hex("0201 d03355"))
                .u8(0xFF)
                .u8(0x18).u16(3000).chunk(hex("2601 af6677"))
                .toByteArray());
        // AV1: a key temporal unit (sequence header with a length, frame OBU without, W=2), an inter unit split
        // across two packets (Y then Z), a lost packet, then a keyframe again without its sequence header
        write(depacketizer.resolve("av1"), "key-split-loss-key", new FuzzBytes.Writer()
                .u16(300).u32(3000)
                .u8(0x10).chunk(hex("28 0b 08 000000024fff6bb45f5f 30 10 aabbccdd"))
                .u8(0x08).u16(3000).chunk(hex("50 30 30 1122"))
                .u8(0x10).chunk(hex("90 3344"))
                .u8(0x1C).u8(1).u16(3000).chunk(hex("10 30 30 5566"))
                .u8(0x18).u16(3000).chunk(hex("18 30 10 778899"))
                .toByteArray());

        System.out.println("seeds written under " + root);
    }

    /** The bytes {@link StunRequests#build} reads for a Binding request with the given flags and signing byte. */
    static byte[] signedCheck(int flags, int signing) {
        FuzzBytes.Writer w = new FuzzBytes.Writer().u16(flags)
                .bytes("fuzzTxId0001".getBytes(StandardCharsets.US_ASCII));
        if ((flags & 0x08) != 0) {
            w.u32(0x6E0001FFL); // PRIORITY
        }
        if ((flags & 0x20) != 0) {
            w.u32(0x932FF9B1L).u32(0x51263B36L); // ICE-CONTROLLING tie-breaker
        }
        if ((flags & 0x40) != 0) {
            w.u32(1).u32(2);
        }
        if ((flags & 0x80) != 0) {
            w.u16(0x8022).u8(5).bytes("ingot".getBytes(StandardCharsets.US_ASCII)); // SOFTWARE
        }
        return w.u8(signing).toByteArray();
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
        if (name.startsWith("rfc5769")) {
            try {
                StunMessage.parse(bytes, 0, bytes.length);
            } catch (Exception e) {
                throw new IllegalStateException(name, e);
            }
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }
}
