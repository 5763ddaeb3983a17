package dev.ingot.media.payload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.decode.DecodeResult;
import dev.ingot.media.decode.TestEncoder;
import dev.ingot.media.decode.VideoCodecKind;
import dev.ingot.media.decode.VideoDecoder;
import dev.ingot.media.decode.VideoDecoderKind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Real H.265 (libx265) and AV1 (libaom) streams, packetized the way senders do (RFC 7798 single NAL units, APs
 * and FUs, with and without DONL; AV1 aggregation headers with and without element lengths, OBUs split across
 * packets), through the depacketizers and back into FFmpeg: the access units come out byte for byte, keyframes
 * where the encoder put them, every frame decodes, and a lost packet costs frames only until the next keyframe.
 */
class HevcAv1RoundTripTest {
    private static final int FRAMES = 30;
    private static final int KEY = 20;
    private static final int MTU = 400;
    private static List<TestEncoder.Unit> hevc;
    private static List<TestEncoder.Unit> av1;

    private static synchronized List<TestEncoder.Unit> hevc() {
        if (hevc == null) {
            hevc = TestEncoder.encode(VideoCodecKind.H265, 320, 240, FRAMES, i -> i == KEY);
        }
        return hevc;
    }

    private static synchronized List<TestEncoder.Unit> av1() {
        if (av1 == null) {
            av1 = TestEncoder.encode(VideoCodecKind.AV1, 320, 240, FRAMES, i -> i == KEY);
        }
        return av1;
    }

    // ---- H.265 -------------------------------------------------------------------------------------------

    /** RFC 7798 packetizer: parameter sets aggregated into an AP, large NAL units split into FUs. */
    static List<RtpMedia> packetizeHevc(List<TestEncoder.Unit> units, boolean donl, boolean dropParameterSets) {
        List<RtpMedia> packets = new ArrayList<>();
        int seq = 0;
        int don = 0; // decoding order number of the next NAL unit (RFC 7798 §4.4.1), sent when donl is set
        for (TestEncoder.Unit u : units) {
            List<byte[]> nals = nals(u.data());
            if (dropParameterSets) {
                nals.removeIf(n -> type(n) >= 32 && type(n) <= 34);
            }
            List<byte[]> payloads = new ArrayList<>();
            List<byte[]> small = new ArrayList<>();
            for (byte[] nal : nals) {
                if (nal.length < 100) {
                    small.add(nal);
                    don++;
                    continue;
                }
                if (!small.isEmpty()) {
                    payloads.add(small.size() == 1 ? single(small.get(0), donl, don - 1) : ap(small, donl, don - small.size()));
                    small.clear();
                }
                if (nal.length <= MTU) {
                    payloads.add(single(nal, donl, don));
                } else {
                    for (int at = 2; at < nal.length; at += MTU) {
                        int end = Math.min(nal.length, at + MTU);
                        int fu = type(nal) | (at == 2 ? 0x80 : 0) | (end == nal.length ? 0x40 : 0);
                        byte[] header = Rtp.bytes((nal[0] & 0x81) | (49 << 1), nal[1], fu);
                        byte[] donField = donl && at == 2 ? Rtp.bytes(don >> 8, don) : new byte[0];
                        payloads.add(Rtp.concat(header, donField, Rtp.slice(nal, at, end)));
                    }
                }
                don++;
            }
            if (!small.isEmpty()) {
                payloads.add(small.size() == 1 ? single(small.get(0), donl, don - 1) : ap(small, donl, don - small.size()));
            }
            for (int i = 0; i < payloads.size(); i++) {
                packets.add(Rtp.packet(seq++, u.frameIndex() * 3000L, i == payloads.size() - 1, payloads.get(i)));
            }
        }
        return packets;
    }

    private static byte[] single(byte[] nal, boolean donl, int don) {
        return donl ? Rtp.concat(Rtp.slice(nal, 0, 2), Rtp.bytes(don >> 8, don), Rtp.slice(nal, 2, nal.length)) : nal;
    }

    private static byte[] ap(List<byte[]> nals, boolean donl, int don) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Rtp.bytes(48 << 1, 1));
        for (int i = 0; i < nals.size(); i++) {
            if (donl) {
                out.writeBytes(i == 0 ? Rtp.bytes(don >> 8, don) : Rtp.bytes(0));
            }
            out.writeBytes(Rtp.bytes(nals.get(i).length >> 8, nals.get(i).length));
            out.writeBytes(nals.get(i));
        }
        return out.toByteArray();
    }

    private static int type(byte[] nal) {
        return (nal[0] >> 1) & 0x3f;
    }

    /** NAL units of an Annex B access unit, without start codes. */
    static List<byte[]> nals(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                if (start >= 0) {
                    out.add(Rtp.slice(b, start, b[i - 1] == 0 ? i - 1 : i));
                }
                start = i + 3;
                i += 2;
            }
        }
        out.add(Rtp.slice(b, start, b.length));
        return out;
    }

    private static byte[] annexB(List<byte[]> nals) {
        return Rtp.annexB(nals.toArray(byte[][]::new));
    }

    @Test
    void hevcFromX265SurvivesSingleNalAggregationAndFragmentationUnits() {
        List<EncodedFrame> frames = push(new H265Depacketizer(), packetizeHevc(hevc(), false, false));
        assertSameUnits(frames, hevc(), u -> annexB(nals(u.data())));
        assertThat(decode(VideoDecoderKind.FFMPEG_HEVC, frames)).isEqualTo(FRAMES);
    }

    @Test
    void hevcWithDonlFieldsIsReadWhenTheSdpSignalsThem() {
        H265Depacketizer d = H265Depacketizer.fromFmtp("profile-id=1;sprop-max-don-diff=2");
        List<EncodedFrame> frames = push(d, packetizeHevc(hevc(), true, false));
        assertSameUnits(frames, hevc(), u -> annexB(nals(u.data())));
        assertThat(decode(VideoDecoderKind.FFMPEG_HEVC, frames)).isEqualTo(FRAMES);
    }

    @Test
    void hevcParameterSetsFromTheSdpArePutInFrontOfEachKeyframe() {
        List<byte[]> sets = new ArrayList<>();
        StringBuilder fmtp = new StringBuilder("profile-id=1");
        for (byte[] nal : nals(hevc().get(0).data())) {
            int t = type(nal);
            if (t >= 32 && t <= 34) {
                sets.add(nal);
                fmtp.append(";sprop-").append(t == 32 ? "vps" : t == 33 ? "sps" : "pps").append('=')
                        .append(java.util.Base64.getEncoder().encodeToString(nal));
            }
        }
        assertThat(sets).hasSize(3);
        List<EncodedFrame> frames = push(H265Depacketizer.fromFmtp(fmtp.toString()), packetizeHevc(hevc(), false, true));
        assertSameUnits(frames, hevc(), u -> {
            List<byte[]> n = nals(u.data());
            n.removeIf(x -> type(x) >= 32 && type(x) <= 34);
            if (u.key()) {
                n.addAll(1, sets); // after the access unit delimiter
            }
            return annexB(n);
        });
        assertThat(decode(VideoDecoderKind.FFMPEG_HEVC, frames)).isEqualTo(FRAMES);
    }

    @Test
    void aLostHevcFragmentDropsFramesUntilTheNextKeyframe() {
        List<RtpMedia> packets = packetizeHevc(hevc(), false, false);
        int lost = firstPacketOfFrame(packets, 8) + 1; // inside frame 8
        packets.remove(lost);
        H265Depacketizer d = new H265Depacketizer();
        List<EncodedFrame> frames = new ArrayList<>();
        boolean asked = false;
        for (RtpMedia p : packets) {
            d.push(p, frames::add);
            asked |= d.needsKeyframe();
        }
        assertThat(asked).isTrue();
        assertThat(frames).extracting(f -> (int) (f.rtpTimestamp() / 3000))
                .containsExactlyElementsOf(range(i -> i < 8 || i >= KEY));
        assertThat(frames.get(8).discontinuity()).isTrue();
        assertThat(decode(VideoDecoderKind.FFMPEG_HEVC, frames)).isEqualTo(FRAMES - (KEY - 8));
    }

    // ---- AV1 ---------------------------------------------------------------------------------------------

    /** One OBU: its header byte, extension byte (or -1) and payload, as in the encoder's temporal unit. */
    record Obu(int header, int extension, byte[] payload) {
        int type() {
            return (header >> 3) & 0x0f;
        }

        /** As sent in RTP: without obu_size (obu_has_size_field 0). */
        byte[] withoutSize() {
            byte[] h = extension < 0 ? Rtp.bytes(header & ~0x02) : Rtp.bytes(header & ~0x02, extension);
            return Rtp.concat(h, payload);
        }
    }

    static List<Obu> obus(byte[] tu) {
        List<Obu> out = new ArrayList<>();
        int i = 0;
        while (i < tu.length) {
            int header = tu[i++] & 0xff;
            assertThat(header & 0x02).as("the encoder writes obu_size").isNotZero();
            int ext = (header & 0x04) != 0 ? tu[i++] & 0xff : -1;
            long size = Av1Depacketizer.readLeb128(tu, i, tu.length);
            while ((tu[i] & 0x80) != 0) {
                i++;
            }
            i++;
            out.add(new Obu(header, ext, Rtp.slice(tu, i, i + (int) size)));
            i += (int) size;
        }
        return out;
    }

    private static byte[] leb128(int v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(b | (v != 0 ? 0x80 : 0));
        } while (v != 0);
        return out.toByteArray();
    }

    /**
     * AV1 packetizer: temporal delimiters left out, OBUs without obu_size, packed into packets of at most
     * {@link #MTU} bytes, an OBU that does not fit split across packets (Y, then Z). {@code lengthForAll}: W=0,
     * every element has a length; else W = the element count and the last one has none.
     */
    static List<RtpMedia> packetizeAv1(List<TestEncoder.Unit> units, boolean lengthForAll, IntPredicate dropSequenceHeader) {
        List<RtpMedia> packets = new ArrayList<>();
        int seq = 0;
        for (TestEncoder.Unit u : units) {
            List<byte[]> elements = new ArrayList<>();
            for (Obu o : obus(u.data())) {
                if (o.type() == Av1Depacketizer.OBU_TEMPORAL_DELIMITER
                        || o.type() == Av1Depacketizer.OBU_SEQUENCE_HEADER && dropSequenceHeader.test(u.frameIndex())) {
                    continue;
                }
                elements.add(o.withoutSize());
            }
            // fill packets: each holds up to 3 elements (W 1..3) or any number (W=0)
            List<byte[]> payloads = new ArrayList<>();
            boolean continuing = false;
            int e = 0;
            int offset = 0;
            while (e < elements.size()) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                int count = 0;
                boolean first = true;
                boolean endsInFragment = false;
                boolean startsWithFragment = continuing;
                while (e < elements.size() && (lengthForAll || count < 3)) {
                    byte[] el = elements.get(e);
                    int left = el.length - offset;
                    int room = MTU - body.size() - 3;
                    if (room <= 0) {
                        break;
                    }
                    int take = Math.min(left, room);
                    boolean last = !lengthForAll && (count == 2 || e == elements.size() - 1 || take < left);
                    if (!last || lengthForAll) {
                        body.writeBytes(leb128(take));
                    }
                    body.writeBytes(Rtp.slice(el, offset, offset + take));
                    count++;
                    first = false;
                    if (take < left) {
                        offset += take;
                        endsInFragment = true;
                        break;
                    }
                    offset = 0;
                    e++;
                    if (last) {
                        break;
                    }
                }
                continuing = endsInFragment;
                int w = lengthForAll ? 0 : count;
                int aggregation = (startsWithFragment ? 0x80 : 0) | (endsInFragment ? 0x40 : 0) | (w << 4)
                        | (u.key() && payloads.isEmpty() ? 0x08 : 0);
                payloads.add(Rtp.concat(Rtp.bytes(aggregation), body.toByteArray()));
                assertThat(first).isFalse();
            }
            for (int i = 0; i < payloads.size(); i++) {
                packets.add(Rtp.packet(seq++, u.frameIndex() * 3000L, i == payloads.size() - 1, payloads.get(i)));
            }
        }
        return packets;
    }

    @Test
    void av1FromLibaomSurvivesPacketizationWithLengthFieldsOnEveryElement() {
        List<RtpMedia> packets = packetizeAv1(av1(), true, i -> false);
        assertThat(packets.size()).as("some OBUs are split").isGreaterThan(FRAMES);
        List<EncodedFrame> frames = push(new Av1Depacketizer(), packets);
        assertSameUnits(frames, av1(), TestEncoder.Unit::data);
        assertThat(decode(VideoDecoderKind.FFMPEG_AV1, frames)).isEqualTo(FRAMES);
    }

    @Test
    void av1WithTheLastElementWithoutLengthDecodes() {
        List<EncodedFrame> frames = push(new Av1Depacketizer(), packetizeAv1(av1(), false, i -> false));
        assertSameUnits(frames, av1(), TestEncoder.Unit::data);
        assertThat(decode(VideoDecoderKind.FFMPEG_AV1, frames)).isEqualTo(FRAMES);
    }

    @Test
    void av1KeyframeWithoutItsSequenceHeaderGetsTheOneSeenBefore() {
        byte[] sequenceHeader = null;
        for (Obu o : obus(av1().get(0).data())) {
            if (o.type() == Av1Depacketizer.OBU_SEQUENCE_HEADER) {
                sequenceHeader = Rtp.concat(Rtp.bytes(o.header()), leb128(o.payload().length), o.payload());
            }
        }
        assertThat(sequenceHeader).isNotNull();
        List<EncodedFrame> frames = push(new Av1Depacketizer(), packetizeAv1(av1(), true, i -> i == KEY));
        assertThat(frames.get(KEY).keyframe()).isTrue();
        assertThat(frames.get(KEY).data()).isEqualTo(av1().get(KEY).data());
        // decoding can start there: the keyframe alone, then the rest
        assertThat(decode(VideoDecoderKind.FFMPEG_AV1, frames.subList(KEY, FRAMES))).isEqualTo(FRAMES - KEY);
    }

    @Test
    void aLostAv1FragmentDropsFramesUntilTheNextKeyframe() {
        List<RtpMedia> packets = packetizeAv1(av1(), true, i -> false);
        int lost = firstPacketOfFrame(packets, 0) + 1; // a continuation of the first keyframe
        packets.remove(lost);
        Av1Depacketizer d = new Av1Depacketizer();
        List<EncodedFrame> frames = push(d, packets);
        assertThat(frames).extracting(f -> (int) (f.rtpTimestamp() / 3000))
                .containsExactlyElementsOf(range(i -> i >= KEY));
        assertThat(d.stats().framesDroppedBroken()).isEqualTo(1);
        assertThat(decode(VideoDecoderKind.FFMPEG_AV1, frames)).isEqualTo(FRAMES - KEY);
    }

    @Test
    void av1PayloadsThatBreakTheFormatAreCountedAndDropped() {
        Av1Depacketizer d = new Av1Depacketizer();
        List<EncodedFrame> out = new ArrayList<>();
        d.push(Rtp.packet(1, 0, true, Rtp.bytes(0x00)), out::add); // aggregation header alone
        d.push(Rtp.packet(2, 3000, true, Rtp.bytes(0x00, 0x05, 0x30)), out::add); // length past the end
        d.push(Rtp.packet(3, 6000, true, Rtp.bytes(0x10, 0xb0, 0x00)), out::add); // obu_forbidden_bit
        d.push(Rtp.packet(4, 9000, true, Rtp.bytes(0x10, 0x32, 0x09, 0x00)), out::add); // obu_size past the end
        d.push(Rtp.packet(5, 12000, false, Rtp.bytes(0x50, 0x30, 0x01)), out::add); // Y=1 ...
        d.push(Rtp.packet(6, 12000, true, Rtp.bytes(0x10, 0x30, 0x01)), out::add); // ... then Z=0
        assertThat(out).isEmpty();
        assertThat(d.stats().malformedPackets()).isEqualTo(5);
        d.push(Rtp.packet(7, 15000, true, Rtp.bytes(0x90, 0x01)), out::add); // Z=1 with no fragment before
        assertThat(d.stats().framesDroppedBroken()).isEqualTo(6);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static int firstPacketOfFrame(List<RtpMedia> packets, int frame) {
        for (int i = 0; i < packets.size(); i++) {
            if (packets.get(i).timestamp() == frame * 3000L) {
                return i;
            }
        }
        throw new AssertionError("no frame " + frame);
    }

    private static List<Integer> range(IntPredicate keep) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            if (keep.test(i)) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<EncodedFrame> push(Depacketizer d, List<RtpMedia> packets) {
        List<EncodedFrame> frames = new ArrayList<>();
        for (RtpMedia p : packets) {
            d.push(p, frames::add);
        }
        return frames;
    }

    private static void assertSameUnits(List<EncodedFrame> frames, List<TestEncoder.Unit> units,
            java.util.function.Function<TestEncoder.Unit, byte[]> expected) {
        assertThat(frames).hasSameSizeAs(units);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).data()).as("frame %d", i).isEqualTo(expected.apply(units.get(i)));
            assertThat(frames.get(i).keyframe()).as("frame %d keyframe", i).isEqualTo(units.get(i).key());
        }
        assertThat(units.get(0).key()).isTrue();
        assertThat(units.get(KEY).key()).isTrue();
    }

    private static int decode(VideoDecoderKind kind, List<EncodedFrame> frames) {
        int[] decoded = {0};
        try (VideoDecoder decoder = VideoDecoder.open(kind)) {
            for (EncodedFrame f : frames) {
                DecodeResult r = decoder.decode(f.data(), f.length(), f.rtpTimestamp(), picture -> {
                    decoded[0]++;
                    picture.release();
                });
                assertThat(r).isEqualTo(DecodeResult.OK);
            }
            assertThat(decoder.errors()).isZero();
        }
        return decoded[0];
    }
}
