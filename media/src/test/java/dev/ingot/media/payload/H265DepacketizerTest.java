package dev.ingot.media.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7798 packet types the H.265 depacketizer takes, ignores and rejects, on hand-made payloads. */
class H265DepacketizerTest {
    // GStreamer x265enc's parameter sets, from the sprop-vps/sps/pps of its offer (offers/gstreamer-h265.sdp)
    private static final byte[] VPS = Base64.getDecoder().decode("QAEMAf//AWAAAAMAkAAAAwAAAwBdugJA");
    private static final byte[] SPS = Base64.getDecoder().decode(
            "QgEBAWAAAAMAkAAAAwAAAwBdoAKAgC0WW6Skwv/wABAAFqAgICCAAAADAIAAAA8E");
    private static final byte[] PPS = Base64.getDecoder().decode("RAHAcYMS");
    private static final byte[] IDR = Rtp.bytes(0x26, 0x01, 0xaf, 0x11);
    private static final byte[] TRAIL = Rtp.bytes(0x02, 0x01, 0xd0, 0x22);

    private static byte[] ap(byte[]... nals) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(Rtp.bytes(48 << 1, 1));
        for (byte[] n : nals) {
            parts.add(Rtp.bytes(n.length >> 8, n.length));
            parts.add(n);
        }
        return Rtp.concat(parts.toArray(byte[][]::new));
    }

    @Test
    void anAggregationPacketOfParameterSetsAndAnIdrIsAKeyframe() {
        H265Depacketizer d = new H265Depacketizer();
        List<EncodedFrame> out = new ArrayList<>();
        d.push(Rtp.packet(1, 0, false, ap(VPS, SPS, PPS)), out::add);
        d.push(Rtp.packet(2, 0, true, IDR), out::add);
        d.push(Rtp.packet(3, 3000, true, TRAIL), out::add);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).keyframe()).isTrue();
        assertThat(out.get(0).data()).isEqualTo(Rtp.annexB(VPS, SPS, PPS, IDR));
        assertThat(out.get(1).keyframe()).isFalse();
        assertThat(out.get(1).data()).isEqualTo(Rtp.annexB(TRAIL));
    }

    @Test
    void anIdrWithoutKnownParameterSetsIsNoKeyframeAndOneWithThemGetsThemInFront() {
        H265Depacketizer d = new H265Depacketizer();
        List<EncodedFrame> out = new ArrayList<>();
        d.push(Rtp.packet(1, 0, true, IDR), out::add);
        assertThat(out).isEmpty();
        assertThat(d.needsKeyframe()).isTrue();
        d.push(Rtp.packet(2, 3000, true, ap(VPS, SPS)), out::add); // in band, in a frame of their own
        d.push(Rtp.packet(3, 3000, true, PPS), out::add);
        byte[] aud = Rtp.bytes(0x46, 0x01, 0x50);
        d.push(Rtp.packet(4, 6000, false, aud), out::add);
        d.push(Rtp.packet(5, 6000, true, IDR), out::add);
        EncodedFrame key = out.get(out.size() - 1);
        assertThat(key.keyframe()).isTrue();
        assertThat(key.data()).isEqualTo(Rtp.annexB(aud, VPS, SPS, PPS, IDR));
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void malformedPacketsAreCountedAndUnspecifiedTypesIgnored() {
        H265Depacketizer d = new H265Depacketizer();
        List<EncodedFrame> out = new ArrayList<>();
        int seq = 0;
        d.push(Rtp.packet(seq++, 0, true, Rtp.bytes(0x62, 0x01, 0xc0 | 19, 1)), out::add); // FU with S and E
        d.push(Rtp.packet(seq++, 3000, true, ap(IDR)), out::add); // AP of one unit
        d.push(Rtp.packet(seq++, 6000, true, Rtp.bytes(50 << 1, 1, 0, 0)), out::add); // PACI
        d.push(Rtp.packet(seq++, 9000, true, Rtp.bytes(0x80 | 0x26, 0x01, 1)), out::add); // forbidden bit
        d.push(Rtp.packet(seq++, 12000, true, Rtp.bytes(0x26)), out::add); // one byte
        assertThat(d.stats().malformedPackets()).isEqualTo(5);
        d.push(Rtp.packet(seq++, 15000, true, Rtp.bytes(55 << 1, 1, 7)), out::add); // type 55: ignored
        assertThat(d.stats().malformedPackets()).isEqualTo(5);
        d.push(Rtp.packet(seq++, 18000, true, Rtp.bytes(0x62, 0x01, 0x40 | 19, 1)), out::add); // FU end, no start
        assertThat(out).isEmpty();
        assertThat(d.stats().framesDroppedBroken()).isEqualTo(6);
    }
}
