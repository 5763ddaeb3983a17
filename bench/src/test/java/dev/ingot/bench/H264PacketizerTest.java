package dev.ingot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.payload.EncodedFrame;
import dev.ingot.media.payload.H264Depacketizer;
import dev.ingot.media.payload.RtpMedia;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class H264PacketizerTest {
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1F, (byte) 0xDA, 0x01, 0x40, 0x16, (byte) 0xE8};
    private static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

    private static byte[] slice(int header, int size, boolean firstMb, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) header;
        b[1] = (byte) (firstMb ? (b[1] | 0x80) : (b[1] & 0x7F));
        b[size - 1] = (byte) (b[size - 1] | 1); // rbsp_stop_one_bit: a NAL unit never ends in a zero byte
        return b;
    }

    private static byte[] annexB(List<byte[]> nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    private static List<EncodedFrame> depacketize(List<List<byte[]>> frames) {
        H264Depacketizer d = new H264Depacketizer();
        List<EncodedFrame> out = new ArrayList<>();
        int seq = 65530; // wraps inside the test
        long ts = 4_294_960_000L;
        H264Packetizer p = new H264Packetizer(1200);
        for (List<byte[]> au : frames) {
            List<byte[]> payloads = p.packetize(au);
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(payloads.get(i).length).isLessThanOrEqualTo(1200);
                d.push(RtpMedia.of(seq, ts, i == payloads.size() - 1, 96, 1234, payloads.get(i), 0), out::add);
                seq = (seq + 1) & 0xFFFF;
            }
            ts = (ts + 3000) & 0xFFFF_FFFFL;
        }
        return out;
    }

    @Test
    void idrAndPFramesSurviveARoundTripThroughTheDepacketizer() {
        List<byte[]> idr = List.of(SPS, PPS, slice(0x65, 5000, true, 1), slice(0x65, 1201, false, 2));
        List<byte[]> p = List.of(slice(0x41, 700, true, 3), slice(0x41, 1199, false, 4), slice(0x41, 1200, false, 5));
        List<EncodedFrame> frames = depacketize(List.of(idr, p));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).keyframe()).isTrue();
        assertThat(frames.get(0).data()).isEqualTo(annexB(idr));
        assertThat(frames.get(1).keyframe()).isFalse();
        assertThat(frames.get(1).data()).isEqualTo(annexB(p));
    }

    @Test
    void aggregatesParameterSetsIntoOneStapAAndFragmentsLargeSlices() {
        List<byte[]> payloads = new H264Packetizer(1200).packetize(List.of(SPS, PPS, slice(0x65, 3000, true, 6)));
        assertThat(payloads.get(0)[0] & 0x1F).isEqualTo(24); // STAP-A
        assertThat(payloads.get(0)).hasSize(1 + 2 + SPS.length + 2 + PPS.length);
        assertThat(payloads.subList(1, payloads.size())).allSatisfy(x -> assertThat(x[0] & 0x1F).isEqualTo(28));
        assertThat(payloads.get(1)[1] & 0xC0).isEqualTo(0x80); // FU-A start
        assertThat(payloads.get(payloads.size() - 1)[1] & 0xC0).isEqualTo(0x40); // FU-A end
    }

    @Test
    void annexBSplitsNalUnitsAndAccessUnitsAtTheFirstSliceOfAPicture() {
        List<byte[]> idr = List.of(SPS, PPS, slice(0x65, 300, true, 7), slice(0x65, 200, false, 8));
        List<byte[]> p1 = List.of(slice(0x41, 100, true, 9), slice(0x41, 90, false, 10));
        List<byte[]> p2 = List.of(new byte[] {0x09, 0x10}, slice(0x41, 80, true, 11));
        byte[] stream = new byte[0];
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(annexB(idr));
        all.writeBytes(annexB(p1));
        all.writeBytes(new byte[] {0, 0, 1}); // a 3-byte start code too
        all.writeBytes(p2.get(0));
        all.writeBytes(annexB(p2.subList(1, 2)));
        stream = all.toByteArray();
        List<AnnexB.AccessUnit> aus = AnnexB.accessUnits(AnnexB.nalUnits(stream));
        assertThat(aus).hasSize(3);
        assertThat(aus.get(0).idr()).isTrue();
        assertThat(aus.get(0).nals()).containsExactlyElementsOf(idr);
        assertThat(aus.get(1).nals()).containsExactlyElementsOf(p1);
        assertThat(aus.get(2).nals()).containsExactlyElementsOf(p2);
    }
}
