package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.rtcp.Bye;
import dev.ingot.rtc.rtcp.NtpTime;
import dev.ingot.rtc.rtcp.RtcpPacket;
import dev.ingot.rtc.rtcp.RtcpParseException;
import dev.ingot.rtc.rtcp.RtcpParser;
import dev.ingot.rtc.rtcp.RtcpWriter;
import dev.ingot.rtc.rtcp.SenderReport;
import dev.ingot.rtc.rtcp.SourceDescription;
import dev.ingot.rtc.rtcp.TransportCcFeedback;
import dev.ingot.rtc.rtcp.Unknown;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Compound RTCP (RFC 3550 §6, RFC 4585, RFC 5104, REMB, transport-cc): {@link RtcpParser#parseCompound} throws only
 * {@link RtcpParseException}; what parses, {@link RtcpWriter} writes back (leaving out {@link Unknown}, which it
 * documents it cannot write) unless a text is over 255 bytes of UTF-8 or a packet is too large for the length field,
 * the two other refusals its javadoc names; and what it writes parses again and writes identically.
 */
class RtcpFuzzTest {
    @FuzzTest
    @DictionaryFile(resourcePath = "rtcp.dict")
    void parseCompound(byte[] data) {
        List<RtcpPacket> packets;
        try {
            packets = RtcpParser.parseCompound(data, 0, data.length);
        } catch (RtcpParseException e) {
            byte[] shifted = new byte[data.length + 11];
            System.arraycopy(data, 0, shifted, 7, data.length);
            try {
                RtcpParser.parseCompound(shifted, 7, data.length);
                throw new AssertionError("parses at offset 7 but not at 0", e);
            } catch (RtcpParseException expected) {
                return;
            }
        }
        assertThat(packets).isNotEmpty();
        for (RtcpPacket p : packets) {
            exercise(p);
        }
        List<RtcpPacket> known = packets.stream().filter(p -> !(p instanceof Unknown)).toList();
        byte[] written;
        try {
            written = RtcpWriter.toBytes(known);
        } catch (IllegalArgumentException e) {
            assertThat(hasLongText(known) || e.getMessage().contains("exceeds the RTCP length field"))
                    .as("the writer refused %s: %s", known, e.getMessage()).isTrue();
            return;
        }
        assertThat(written.length % 4).isZero();
        if (known.isEmpty()) {
            assertThat(written).isEmpty();
            return;
        }
        List<RtcpPacket> again;
        try {
            again = RtcpParser.parseCompound(written);
        } catch (RtcpParseException e) {
            throw new AssertionError("what the writer wrote does not parse: " + known, e);
        }
        assertThat(again).hasSameSizeAs(known);
        assertThat(RtcpWriter.toBytes(again)).as("write(parse(write(p))) == write(p)").isEqualTo(written);
    }

    private static void exercise(RtcpPacket p) {
        p.toString();
        p.hashCode();
        switch (p) {
            case SenderReport sr -> {
                NtpTime ntp = new NtpTime(sr.ntpTimestamp());
                ntp.toUnixNanos();
                ntp.middle32();
            }
            case TransportCcFeedback tcc -> {
                tcc.referenceTimeMicros();
                long[] times = tcc.receiveTimesMicros();
                assertThat(times).hasSize(tcc.packets().size());
                tcc.packets().forEach(s -> {
                    s.deltaMicros();
                    s.largeDelta();
                });
            }
            case SourceDescription sdes -> sdes.chunks().forEach(SourceDescription.Chunk::cname);
            default -> {
            }
        }
    }

    private static boolean hasLongText(List<RtcpPacket> packets) {
        for (RtcpPacket p : packets) {
            if (p instanceof Bye bye && utf8(bye.reason()) > 255) {
                return true;
            }
            if (p instanceof SourceDescription sdes) {
                for (SourceDescription.Chunk c : sdes.chunks()) {
                    for (SourceDescription.Item item : c.items()) {
                        if (utf8(item.text()) > 255) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
