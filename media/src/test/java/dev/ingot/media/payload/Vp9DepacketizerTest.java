package dev.ingot.media.payload;

import static dev.ingot.media.payload.Rtp.bytes;
import static dev.ingot.media.payload.Rtp.concat;
import static dev.ingot.media.payload.Rtp.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Vp9DepacketizerTest {
    /** A profile 0 VP9 keyframe header: frame_marker 2, profile 0, show_existing 0, KEY_FRAME, show, sync code. */
    private static final byte[] KEY = bytes(0x82, 0x49, 0x83, 0x42, 0x00);
    /** A profile 0 inter frame header: frame_type NON_KEY. */
    private static final byte[] INTER = bytes(0x86, 0x00, 0x40);

    private static final int I = 0x80;
    private static final int P = 0x40;
    private static final int L = 0x20;
    private static final int F = 0x10;
    private static final int B = 0x08;
    private static final int E = 0x04;
    private static final int V = 0x02;

    private final List<EncodedFrame> frames = new ArrayList<>();

    /** The scalability structure of RFC 9628 §4.2.1: two spatial layers with resolutions, one-picture group. */
    private static final byte[] SS_TWO_LAYERS = bytes(
            (1 << 5) | 0x10 | 0x08, // N_S=1 (two layers), Y=1, G=1
            0x01, 0x40, 0x00, 0xB4, // 320x180
            0x02, 0x80, 0x01, 0x68, // 640x360
            0x01,                   // N_G=1
            0x04, 0x01);            // TID=0 U=0 R=1, P_DIFF=1

    private static byte[] body(byte[] header, int size, long seed) {
        return concat(header, Rtp.random(size - header.length, seed));
    }

    @Test
    void nonFlexibleKeyframeWithScalabilityStructureAndTwoSpatialLayersBecomesASuperframe() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        byte[] base = body(KEY, 300, 1);
        byte[] enhancement = body(INTER, 500, 2); // SID 1 predicts from SID 0 (P=0, D=1)
        // I=1 (15-bit pid 0x0102), L=1 (TID 0, SID 0), TL0PICIDX 7, B, E, V
        byte[] d0 = concat(bytes(I | L | B | E | V, 0x81, 0x02, 0x00, 0x07), SS_TWO_LAYERS);
        byte[] d1 = bytes(I | L | B | E, 0x81, 0x02, (1 << 1) | 1, 0x07);
        d.push(packet(1, 9000, false, concat(d0, base)), frames::add);
        d.push(packet(2, 9000, true, concat(d1, enhancement)), frames::add);

        Vp9ScalabilityStructure ss = d.scalabilityStructure();
        assertThat(ss.spatialLayers()).isEqualTo(2);
        assertThat(ss.resolutions()).containsExactly(
                new Vp9ScalabilityStructure.Resolution(320, 180), new Vp9ScalabilityStructure.Resolution(640, 360));
        assertThat(ss.pictureGroup()).containsExactly(new Vp9ScalabilityStructure.GroupPicture(0, false, List.of(1)));

        // superframe: both frames, then the index 0b110_01_001 (2-byte sizes, 2 frames), sizes LE, marker again
        byte[] index = bytes(0xC9, 300 & 0xFF, 300 >> 8, 500 & 0xFF, 500 >> 8, 0xC9);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.keyframe()).isTrue();
            assertThat(f.data()).isEqualTo(concat(base, enhancement, index));
        });
    }

    @Test
    void singleLayerFrameSpanningPacketsIsEmittedAsIs() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        byte[] key = body(KEY, 1500, 3);
        // 7-bit picture id 5, L with TL0PICIDX, no SS
        d.push(packet(10, 0, false, concat(bytes(I | L | B, 0x05, 0x00, 0x01), Rtp.slice(key, 0, 600))), frames::add);
        d.push(packet(11, 0, false, concat(bytes(I | L, 0x05, 0x00, 0x01), Rtp.slice(key, 600, 1200))), frames::add);
        d.push(packet(12, 0, true, concat(bytes(I | L | E, 0x05, 0x00, 0x01), Rtp.slice(key, 1200, 1500))),
                frames::add);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.data()).isEqualTo(key);
            assertThat(f.keyframe()).isTrue();
        });
        assertThat(d.scalabilityStructure()).isNull();
    }

    @Test
    void flexibleModeReadsReferenceIndices() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        byte[] key = body(KEY, 200, 4);
        // flexible keyframe: I, L (TID 0 U 0 SID 0 D 0) and no TL0PICIDX
        d.push(packet(1, 0, true, concat(bytes(I | L | F | B | E, 0x80, 0x10, 0x00), key)), frames::add);
        byte[] inter = body(INTER, 200, 5);
        // flexible inter frame with two reference indices: P_DIFF 1 (N=1), P_DIFF 2 (N=0)
        d.push(packet(2, 3000, true, concat(bytes(I | P | L | F | B | E, 0x80, 0x11, 0x20, 0x03, 0x04), inter)),
                frames::add);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).keyframe()).isTrue();
        assertThat(frames.get(1).keyframe()).isFalse();
        assertThat(frames.get(1).data()).isEqualTo(inter);
    }

    @Test
    void moreThanThreeReferenceIndicesIsMalformed() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        d.push(packet(1, 0, true, concat(bytes(P | F | B | E, 0x03, 0x03, 0x03, 0x03), INTER)), frames::add);
        assertThat(d.stats().malformedPackets()).isEqualTo(1);
    }

    @Test
    void descriptorKeyframeIsCheckedAgainstTheFrameHeader() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        // P=0 on SID 0 but the uncompressed header says NON_KEY (e.g. an intra-only frame): not a keyframe
        d.push(packet(1, 0, true, concat(bytes(B | E), body(INTER, 50, 6))), frames::add);
        assertThat(frames).isEmpty();
        assertThat(d.needsKeyframe()).isTrue();
        d.push(packet(2, 3000, true, concat(bytes(B | E), body(KEY, 50, 7))), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.keyframe()).isTrue());
    }

    @Test
    void lossAsksForAKeyframeUnlessOnlyPaddingWasLost() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        d.push(packet(1, 0, true, concat(bytes(I | B | E, 0x01), body(KEY, 50, 8))), frames::add);
        // padding lost between pictures 1 and 2: decoding goes on
        d.push(packet(3, 3000, true, concat(bytes(I | P | B | E, 0x02), body(INTER, 50, 9))), frames::add);
        assertThat(frames).hasSize(2);
        assertThat(d.needsKeyframe()).isFalse();
        // picture 3 lost: picture 4 cannot be decoded
        d.push(packet(5, 9000, true, concat(bytes(I | P | B | E, 0x04), body(INTER, 50, 10))), frames::add);
        assertThat(frames).hasSize(2);
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void missingEndOfALayerFrameBreaksThePicture() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        d.push(packet(1, 0, false, concat(bytes(B), body(KEY, 50, 11))), frames::add);
        d.push(packet(2, 0, true, concat(bytes(B | E), body(INTER, 50, 12))), frames::add);
        assertThat(frames).isEmpty();
        assertThat(d.stats().malformedPackets()).isEqualTo(1);
    }

    @Test
    void layerFramesThatAreSuperframesAreFlattened() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        byte[] hidden = body(KEY, 40, 13);
        byte[] shown = body(INTER, 30, 14);
        byte[] inner = concat(hidden, shown, bytes(0xC1, 40, 30, 0xC1));
        byte[] top = body(INTER, 60, 15);
        d.push(packet(1, 0, false, concat(bytes(L | B | E, 0x00, 0x00), inner)), frames::add);
        d.push(packet(2, 0, true, concat(bytes(L | B | E, 0x03, 0x00), top)), frames::add);
        assertThat(frames).singleElement().satisfies(f ->
                assertThat(f.data()).isEqualTo(concat(hidden, shown, top, bytes(0xC2, 40, 30, 60, 0xC2))));
    }

    @Test
    void truncatedScalabilityStructureIsMalformed() {
        Vp9Depacketizer d = new Vp9Depacketizer();
        d.push(packet(1, 0, true, concat(bytes(B | E | V), Rtp.slice(SS_TWO_LAYERS, 0, 6))), frames::add);
        assertThat(frames).isEmpty();
        assertThat(d.stats().malformedPackets()).isEqualTo(1);
    }
}
