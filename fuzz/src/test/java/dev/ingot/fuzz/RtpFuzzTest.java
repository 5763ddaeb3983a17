package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.rtc.rtp.RtpPacket;
import dev.ingot.rtc.rtp.RtpPacketWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RTP (RFC 3550 §5.1) with RFC 8285 header extensions: {@link RtpPacket#wrap} accepts or refuses any bytes without
 * throwing, and every accessor and extension lookup of an accepted packet stays inside it; and what
 * {@link RtpPacketWriter} writes, {@link RtpPacket} reads back field for field.
 */
class RtpFuzzTest {
    private final RtpPacket packet = new RtpPacket();

    @FuzzTest
    void wrap(byte[] data) {
        RtpPacket.looksLikeRtp(data, 0, data.length);
        RtpPacket.looksLikeRtcp(data, 0, data.length);
        boolean ok = packet.wrap(data, 0, data.length);
        // The same bytes inside a larger buffer wrap alike, and the view reports the same fields.
        byte[] shifted = new byte[data.length + 9];
        Arrays.fill(shifted, (byte) 0xEE);
        System.arraycopy(data, 0, shifted, 6, data.length);
        RtpPacket other = new RtpPacket();
        assertThat(other.wrap(shifted, 6, data.length)).as("wrap at offset 6").isEqualTo(ok);
        if (!ok) {
            assertThat(packet.toString()).isNotNull();
            return;
        }
        assertThat(describe(other)).isEqualTo(describe(packet));
    }

    /** Writes a fuzzer-described packet, wraps it, and compares every field. */
    @FuzzTest
    void writerRoundTrip(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        int flags = in.u8();
        RtpPacketWriter w = new RtpPacketWriter()
                .payloadType(in.u8() & 0x7F)
                .marker((flags & 1) != 0)
                .sequenceNumber(in.u16())
                .timestamp(in.u32())
                .ssrc(in.u32());
        long[] csrcs = new long[(flags >>> 1) & 0x0F];
        for (int i = 0; i < csrcs.length; i++) {
            csrcs[i] = in.u32();
        }
        w.csrcs(csrcs);
        Map<Integer, byte[]> extensions = new LinkedHashMap<>();
        int extensionCount = in.u8() % 17;
        for (int i = 0; i < extensionCount; i++) {
            int id = Math.max(1, in.u8());
            byte[] value = in.chunkOf(40);
            w.extension(id, value);
            extensions.put(id, value);
        }
        int padding = (flags & 0x20) != 0 ? in.u8() : 0;
        w.padding(padding);
        byte[] payload = in.chunkOf(255);
        byte[] out = w.toBytes(payload);

        assertThat(packet.wrap(out, 0, out.length)).as("what the writer writes wraps").isTrue();
        assertThat(packet.length()).isEqualTo(out.length);
        assertThat(packet.marker()).isEqualTo((flags & 1) != 0);
        assertThat(packet.csrcCount()).isEqualTo(csrcs.length);
        for (int i = 0; i < csrcs.length; i++) {
            assertThat(packet.csrc(i)).isEqualTo(csrcs[i]);
        }
        assertThat(packet.paddingLength()).isEqualTo(padding);
        assertThat(Arrays.copyOfRange(out, packet.payloadOffset(), packet.payloadOffset() + packet.payloadLength()))
                .isEqualTo(payload);
        for (Map.Entry<Integer, byte[]> e : extensions.entrySet()) {
            int handle = packet.findExtension(e.getKey());
            assertThat(handle).as("extension %d found", e.getKey()).isNotEqualTo(RtpPacket.NOT_FOUND);
            int at = RtpPacket.extensionOffset(handle);
            assertThat(Arrays.copyOfRange(out, at, at + RtpPacket.extensionLength(handle)))
                    .as("extension %d data", e.getKey()).isEqualTo(e.getValue());
        }
        if (extensions.isEmpty()) {
            assertThat(packet.extension()).isFalse();
        }
    }

    /** Every accessor, with bounds checks; returns a text that two views of the same bytes must agree on. */
    private static String describe(RtpPacket p) {
        int start = p.offset();
        int end = p.offset() + p.length();
        assertThat(p.buffer()).isNotNull();
        assertThat(p.version()).isEqualTo(2);
        assertThat(p.headerLength()).isBetween(RtpPacket.FIXED_HEADER_LENGTH, p.length());
        assertThat(p.payloadLength()).isNotNegative();
        assertThat(p.payloadOffset() + p.payloadLength() + p.paddingLength()).isEqualTo(end);
        assertThat(p.padding() || p.paddingLength() == 0).isTrue();
        StringBuilder sb = new StringBuilder()
                .append(p.marker()).append(' ').append(p.payloadType()).append(' ').append(p.sequenceNumber())
                .append(' ').append(p.timestamp()).append(' ').append(p.ssrc()).append(' ').append(p.extension())
                .append(' ').append(p.headerLength()).append(' ').append(p.payloadLength()).append(' ')
                .append(p.paddingLength()).append(' ').append(p.extensionProfile()).append(' ')
                .append(p.extensionDataLength());
        assertThat(p.payloadType()).isBetween(0, 127);
        assertThat(p.timestamp()).isBetween(0L, 0xFFFF_FFFFL);
        assertThat(p.ssrc()).isBetween(0L, 0xFFFF_FFFFL);
        for (int i = 0; i < p.csrcCount(); i++) {
            sb.append(" c").append(p.csrc(i));
        }
        for (int id = 0; id <= 256; id++) {
            int handle = p.findExtension(id);
            if (handle == RtpPacket.NOT_FOUND) {
                continue;
            }
            int at = start + RtpPacket.extensionOffset(handle);
            int len = RtpPacket.extensionLength(handle);
            assertThat(at).as("extension %d inside the header", id).isGreaterThanOrEqualTo(start);
            assertThat(at + len).as("extension %d inside the header", id).isLessThanOrEqualTo(start + p.headerLength());
            sb.append(" x").append(id).append('@').append(RtpPacket.extensionOffset(handle)).append('+').append(len);
        }
        for (int id = 1; id <= 15; id++) {
            sb.append(' ').append(p.readStringExtension(id)).append(' ').append(p.mid(id)).append(' ')
                    .append(p.absSendTime(id)).append(' ').append(p.transportSequenceNumber(id));
        }
        p.readStringExtension(255);
        p.transportSequenceNumber(200);
        p.toString();
        return sb.toString();
    }
}
