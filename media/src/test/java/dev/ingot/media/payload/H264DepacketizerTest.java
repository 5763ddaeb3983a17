package dev.ingot.media.payload;

import static dev.ingot.media.payload.Rtp.annexB;
import static dev.ingot.media.payload.Rtp.bytes;
import static dev.ingot.media.payload.Rtp.concat;
import static dev.ingot.media.payload.Rtp.packet;
import static dev.ingot.media.payload.Rtp.slice;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {
    private static final String SPROP = "Z0LAHtkAUAW7ARAAAAMAEAAAAwPI8WLkgA==,aMuMsg==";
    /** Constrained baseline SPS (id 0) and PPS (id 0), as in the sprop-parameter-sets above. */
    private static final byte[] SPS = Base64.getDecoder().decode("Z0LAHtkAUAW7ARAAAAMAEAAAAwPI8WLkgA==");
    private static final byte[] PPS = Base64.getDecoder().decode("aMuMsg==");
    private static final byte[] AUD = bytes(0x09, 0xF0);
    private static final byte[] SEI = bytes(0x06, 0x05, 0x01, 0xAA, 0x80);

    private final List<EncodedFrame> frames = new ArrayList<>();

    /** A NAL unit: header byte (NRI 3, the given type) followed by the body. */
    private static byte[] nal(int type, byte[] body) {
        return concat(bytes(0x60 | type), body);
    }

    private static byte[] idr(int size) {
        return nal(5, Rtp.random(size - 1, size));
    }

    private static byte[] nonIdr(int size) {
        return nal(1, Rtp.random(size - 1, size + 7));
    }

    /** STAP-A (RFC 6184 §5.7.1): header type 24, then 16-bit size + NAL unit for each. */
    private static byte[] stapA(byte[]... nals) {
        byte[] out = bytes(0x78); // F=0, NRI=3, type 24
        for (byte[] n : nals) {
            out = concat(out, bytes(n.length >> 8, n.length), n);
        }
        return out;
    }

    /** FU-A (RFC 6184 §5.8) fragments of one NAL unit, each carrying up to {@code chunk} bytes of it. */
    private static List<byte[]> fuA(byte[] nal, int chunk) {
        List<byte[]> fragments = new ArrayList<>();
        int indicator = (nal[0] & 0xE0) | 28;
        int type = nal[0] & 0x1F;
        for (int at = 1; at < nal.length; at += chunk) {
            int end = Math.min(nal.length, at + chunk);
            int header = type | (at == 1 ? 0x80 : 0) | (end == nal.length ? 0x40 : 0);
            fragments.add(concat(bytes(indicator, header), slice(nal, at, end)));
        }
        return fragments;
    }

    private int seq = 100;

    /** Pushes the payloads as one frame with the given timestamp, marker on the last. */
    private void frame(H264Depacketizer d, long ts, List<byte[]> payloads) {
        for (int i = 0; i < payloads.size(); i++) {
            d.push(packet(seq++, ts, i == payloads.size() - 1, payloads.get(i)), frames::add);
        }
    }

    @Test
    void stapAWithSpsPpsAndIdrIsAKeyframeAccessUnit() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(300);
        frame(d, 3000, List.of(stapA(SPS, PPS, idr)));
        assertThat(frames).hasSize(1);
        EncodedFrame f = frames.get(0);
        assertThat(f.data()).isEqualTo(annexB(SPS, PPS, idr));
        assertThat(f.keyframe()).isTrue();
        assertThat(f.rtpTimestamp()).isEqualTo(3000);
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void fuASplitOfALargeIdrIsReassembledBitExact() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(5000);
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(stapA(SPS, PPS));
        payloads.addAll(fuA(idr, 1200));
        assertThat(payloads).hasSize(6);
        frame(d, 90_000, payloads);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.data()).isEqualTo(annexB(SPS, PPS, idr));
            assertThat(f.keyframe()).isTrue();
            assertThat(f.firstArrivalNanos()).isEqualTo(100_000_000L);
            assertThat(f.lastArrivalNanos()).isEqualTo(105_000_000L);
        });
    }

    @Test
    void lossOfAMiddleFuAFragmentDropsTheFrameAndAsksForAKeyframeUntilOneComes() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(stapA(SPS, PPS, idr(100))));
        List<byte[]> broken = fuA(nonIdr(3000), 1000);
        d.push(packet(seq++, 3000, false, broken.get(0)), frames::add);
        seq++; // the middle fragment is lost
        d.push(packet(seq++, 3000, true, broken.get(2)), frames::add);
        assertThat(frames).hasSize(1);
        assertThat(d.needsKeyframe()).isTrue();
        // a complete inter frame after the loss cannot be decoded: dropped
        frame(d, 6000, fuA(nonIdr(2000), 1000));
        assertThat(frames).hasSize(1);
        assertThat(d.needsKeyframe()).isTrue();
        byte[] idr = idr(2500);
        frame(d, 9000, fuA(idr, 1000));
        assertThat(frames).hasSize(2);
        EncodedFrame key = frames.get(1);
        assertThat(key.keyframe()).isTrue();
        assertThat(key.discontinuity()).isTrue();
        // SPS and PPS seen in band earlier are put in front of the IDR that came without them
        assertThat(key.data()).isEqualTo(annexB(SPS, PPS, idr));
        assertThat(d.needsKeyframe()).isFalse();
        DepacketizerStats s = d.stats();
        assertThat(s.framesDroppedBroken()).isEqualTo(1);
        assertThat(s.framesDroppedWaitingForKeyframe()).isEqualTo(1);
        assertThat(s.keyframeRequests()).isEqualTo(1);
        assertThat(s.framesEmitted()).isEqualTo(2);
    }

    @Test
    void lossOfTheLastFuAFragmentBreaksTheFrameEvenWithoutAMarker() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(stapA(SPS, PPS, idr(100))));
        List<byte[]> fragments = fuA(nonIdr(2000), 1000);
        d.push(packet(seq++, 3000, false, fragments.get(0)), frames::add);
        seq++; // the end fragment (with the marker) is lost
        byte[] next = nonIdr(50);
        d.push(packet(seq++, 6000, true, next), frames::add);
        assertThat(frames).hasSize(1);
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void framesBeforeTheFirstKeyframeAreDropped() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(nonIdr(200)));
        assertThat(frames).isEmpty();
        assertThat(d.needsKeyframe()).isTrue();
        frame(d, 3000, List.of(stapA(SPS, PPS), idr(200)));
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.keyframe()).isTrue());
        frame(d, 6000, List.of(nonIdr(200)));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1).keyframe()).isFalse();
        assertThat(frames.get(1).discontinuity()).isFalse();
    }

    @Test
    void spropParameterSetsAreInsertedBeforeTheFirstIdrAfterALeadingAud() {
        H264Depacketizer d = H264Depacketizer.fromFmtp(
                "profile-level-id=42c01e;packetization-mode=1;sprop-parameter-sets=" + SPROP);
        byte[] idr = idr(400);
        frame(d, 0, List.of(AUD, idr));
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.keyframe()).isTrue();
            assertThat(f.data()).isEqualTo(annexB(AUD, SPS, PPS, idr));
        });
    }

    @Test
    void idrWithoutAnyKnownParameterSetsIsNotAKeyframe() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(idr(300)));
        assertThat(frames).isEmpty();
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void accessUnitEndsAtATimestampChangeWhenTheMarkerIsMissing() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(100);
        d.push(packet(1, 0, false, stapA(SPS, PPS)), frames::add);
        d.push(packet(2, 0, false, idr), frames::add);
        assertThat(frames).isEmpty();
        byte[] p = nonIdr(80);
        d.push(packet(3, 3000, false, p), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(annexB(SPS, PPS, idr)));
        d.push(packet(4, 6000, true, p), frames::add);
        assertThat(frames).hasSize(3);
        assertThat(frames.get(1).rtpTimestamp()).isEqualTo(3000);
        assertThat(frames.get(1).data()).isEqualTo(annexB(p));
    }

    @Test
    void audAndSeiPassThrough() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(100);
        frame(d, 0, List.of(stapA(AUD, SEI, SPS, PPS), idr));
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.keyframe()).isTrue();
            assertThat(f.data()).isEqualTo(annexB(AUD, SEI, SPS, PPS, idr));
        });
    }

    @Test
    void stapBMtapAndFuBAreRejectedCleanly() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(stapA(SPS, PPS, idr(100))));
        int[] unsupported = {25, 26, 27, 29};
        long ts = 3000;
        for (int type : unsupported) {
            frame(d, ts, List.of(concat(bytes(0x60 | type), Rtp.random(40, type))));
            ts += 3000;
        }
        assertThat(frames).hasSize(1);
        assertThat(d.stats().malformedPackets()).isEqualTo(4);
        assertThat(d.stats().framesDroppedBroken()).isEqualTo(4);
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void undefinedNalTypesAreIgnored() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(100);
        frame(d, 0, List.of(stapA(SPS, PPS), bytes(0x00, 1, 2), bytes(0x1E, 3), idr));
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(annexB(SPS, PPS, idr)));
        assertThat(d.stats().malformedPackets()).isZero();
    }

    @Test
    void malformedStapAIsDropped() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(stapA(SPS, PPS, idr(100))));
        frame(d, 3000, List.of(bytes(0x78, 0x00, 0x09, 0x61, 0x01))); // size 9 but 2 bytes follow
        frame(d, 6000, List.of(bytes(0x78))); // nothing aggregated
        frame(d, 9000, List.of(bytes(0x78, 0x00, 0x02, 0x7C, 0x01))); // a FU-A inside a STAP-A
        assertThat(frames).hasSize(1);
        assertThat(d.stats().malformedPackets()).isEqualTo(3);
    }

    @Test
    void fuAFragmentWithoutItsStartBreaksTheFrame() {
        H264Depacketizer d = new H264Depacketizer();
        List<byte[]> fragments = fuA(idr(3000), 1000);
        // the session starts in the middle of a FU-A run (no sequence gap visible)
        frame(d, 0, fragments.subList(1, 3));
        frame(d, 3000, List.of(stapA(SPS, PPS, idr(50))));
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.rtpTimestamp()).isEqualTo(3000));
        assertThat(d.stats().framesDroppedBroken()).isEqualTo(1);
        assertThat(d.stats().malformedPackets()).isZero();
    }

    @Test
    void duplicateAndLatePacketsAreDropped() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(100);
        d.push(packet(10, 0, false, stapA(SPS, PPS)), frames::add);
        d.push(packet(10, 0, false, stapA(SPS, PPS)), frames::add);
        d.push(packet(11, 0, true, idr), frames::add);
        d.push(packet(9, 0, true, idr), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(annexB(SPS, PPS, idr)));
        assertThat(d.stats().duplicatePackets()).isEqualTo(1);
        assertThat(d.stats().latePackets()).isEqualTo(1);
    }

    @Test
    void sequenceNumbersWrapWithoutALoss() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(100);
        d.push(packet(65535, 0, false, stapA(SPS, PPS)), frames::add);
        d.push(packet(0, 0, true, idr), frames::add);
        assertThat(frames).hasSize(1);
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void aJumpInSequenceNumbersIsALossNotAStreamOfLatePackets() {
        H264Depacketizer d = new H264Depacketizer();
        d.push(packet(40_000, 0, true, stapA(SPS, PPS, idr(100))), frames::add);
        d.push(packet(30_000, 3000, true, nonIdr(100)), frames::add); // 10 000 back: a jump, not a late packet
        assertThat(d.stats().latePackets()).isZero();
        assertThat(d.needsKeyframe()).isTrue();
        d.push(packet(30_001, 6000, true, stapA(SPS, PPS, idr(100))), frames::add);
        assertThat(frames).hasSize(2);
    }

    @Test
    void paddingPacketsKeepTheSequenceContiguous() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(stapA(SPS, PPS, idr(100))));
        d.push(packet(seq++, 0, false, new byte[0]), frames::add);
        frame(d, 3000, List.of(nonIdr(100)));
        assertThat(frames).hasSize(2);
        assertThat(d.needsKeyframe()).isFalse();
        assertThat(d.stats().paddingPackets()).isEqualTo(1);
    }

    @Test
    void paddingWithAnotherTimestampDoesNotEndTheFrame() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] idr = idr(3000);
        List<byte[]> fragments = fuA(idr, 1000);
        d.push(packet(1, 3000, false, stapA(SPS, PPS)), frames::add);
        d.push(packet(2, 3000, false, fragments.get(0)), frames::add);
        d.push(packet(3, 0, false, new byte[0]), frames::add); // padding with an older timestamp
        d.push(packet(4, 3000, false, fragments.get(1)), frames::add);
        d.push(packet(5, 3000, true, fragments.get(2)), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(annexB(SPS, PPS, idr)));
    }

    @Test
    void frameOverTheSizeCapIsDropped() {
        H264Depacketizer d = new H264Depacketizer(List.of(SPS, PPS), 4096);
        frame(d, 0, fuA(idr(5000), 1000));
        assertThat(frames).isEmpty();
        assertThat(d.stats().framesDroppedOversize()).isEqualTo(1);
        assertThat(d.needsKeyframe()).isTrue();
        frame(d, 3000, fuA(idr(3000), 1000));
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.keyframe()).isTrue());
    }

    @Test
    void resetWaitsForAKeyframeAgain() {
        H264Depacketizer d = new H264Depacketizer();
        frame(d, 0, List.of(stapA(SPS, PPS, idr(100))));
        d.reset();
        frame(d, 3000, List.of(nonIdr(100)));
        assertThat(frames).hasSize(1);
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void spropParameterSetsSkipInvalidBase64() {
        assertThat(H264Depacketizer.spropParameterSets("packetization-mode=1; sprop-parameter-sets=%%%," + "aMuMsg=="))
                .singleElement().isEqualTo(PPS);
        assertThat(H264Depacketizer.spropParameterSets(null)).isEmpty();
    }
}
