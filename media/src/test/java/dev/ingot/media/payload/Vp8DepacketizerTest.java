package dev.ingot.media.payload;

import static dev.ingot.media.payload.Rtp.bytes;
import static dev.ingot.media.payload.Rtp.concat;
import static dev.ingot.media.payload.Rtp.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Vp8DepacketizerTest {
    /**
     * The start of a VP8 keyframe (RFC 6386 §9.1): frame tag with P=0 (key frame), show_frame, first partition
     * size; start code 9d 01 2a; 640x480.
     */
    private static final byte[] KEY_HEADER = bytes(0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01);
    /** The start of a VP8 interframe: frame tag with P=1. */
    private static final byte[] INTER_HEADER = bytes(0x31, 0x01, 0x00);

    private final List<EncodedFrame> frames = new ArrayList<>();
    private int seq = 1;

    /**
     * The payload descriptor (RFC 7741 §4.2) with a 15-bit picture id: X=1, N, S, PID=0; I=1; M=1.
     */
    private static byte[] descriptor(boolean start, boolean nonReference, int pictureId) {
        int b0 = 0x80 | (nonReference ? 0x20 : 0) | (start ? 0x10 : 0);
        return bytes(b0, 0x80, 0x80 | (pictureId >> 8), pictureId & 0xFF);
    }

    /** Pushes a frame split in two packets; returns the VP8 payload it carried. */
    private byte[] frame(Vp8Depacketizer d, long ts, int pictureId, boolean key, boolean nonReference) {
        byte[] body = concat(key ? KEY_HEADER : INTER_HEADER, Rtp.random(700, ts));
        byte[] first = Rtp.slice(body, 0, 400);
        byte[] second = Rtp.slice(body, 400, body.length);
        d.push(packet(seq++, ts, false, concat(descriptor(true, nonReference, pictureId), first)), frames::add);
        d.push(packet(seq++, ts, true, concat(descriptor(false, nonReference, pictureId), second)), frames::add);
        return body;
    }

    @Test
    void keyframeWithA15BitPictureIdIsAssembledAcrossPackets() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        byte[] body = frame(d, 1000, 0x1234, true, false);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.data()).isEqualTo(body);
            assertThat(f.keyframe()).isTrue();
            assertThat(f.rtpTimestamp()).isEqualTo(1000);
        });
        byte[] inter = frame(d, 4000, 0x1235, false, false);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1).data()).isEqualTo(inter);
        assertThat(frames.get(1).keyframe()).isFalse();
    }

    @Test
    void readsSevenBitPictureIdAndTheL_T_KExtensions() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        // X=1 S=1 PID=0 | I L T K | M=0 pid=0x15 | TL0PICIDX | TID=1 Y=1 KEYIDX=3
        byte[] descriptor = bytes(0x90, 0xF0, 0x15, 0x07, 0x63);
        byte[] body = concat(KEY_HEADER, bytes(1, 2, 3));
        d.push(packet(1, 0, true, concat(descriptor, body)), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(body));
    }

    @Test
    void minimalDescriptorWithoutExtensions() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        byte[] body = concat(KEY_HEADER, bytes(9, 9));
        d.push(packet(1, 0, true, concat(bytes(0x10), body)), frames::add);
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.data()).isEqualTo(body));
    }

    @Test
    void interFramesBeforeTheFirstKeyframeAreDropped() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        frame(d, 0, 1, false, false);
        assertThat(frames).isEmpty();
        assertThat(d.needsKeyframe()).isTrue();
        frame(d, 3000, 2, true, false);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.keyframe()).isTrue();
            assertThat(f.discontinuity()).isTrue();
        });
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void lossInsideAFrameDropsItAndAsksForAKeyframe() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        frame(d, 0, 10, true, false);
        d.push(packet(seq++, 3000, false, concat(descriptor(true, false, 11), INTER_HEADER)), frames::add);
        seq++; // lost
        d.push(packet(seq++, 3000, true, concat(descriptor(false, false, 11), bytes(1, 2))), frames::add);
        assertThat(d.needsKeyframe()).isTrue();
        frame(d, 6000, 12, false, false);
        assertThat(frames).hasSize(1);
        frame(d, 9000, 13, true, false);
        assertThat(frames).hasSize(2);
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void aWholeLostFrameIsSeenInThePictureIds() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        frame(d, 0, 10, true, false);
        seq += 2; // picture 11 lost entirely
        frame(d, 6000, 12, false, false);
        assertThat(frames).hasSize(1);
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void lostPaddingBetweenConsecutivePicturesNeedsNoKeyframe() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        frame(d, 0, 0x7FFF, true, false);
        seq += 3; // three padding packets lost
        frame(d, 3000, 0, false, false); // the 15-bit picture id wraps
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1).discontinuity()).isTrue();
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void aBrokenNonReferenceFrameIsDroppedWithoutAskingForAKeyframe() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        frame(d, 0, 20, true, false);
        d.push(packet(seq++, 3000, false, concat(descriptor(true, true, 21), INTER_HEADER)), frames::add);
        seq++; // lost
        d.push(packet(seq++, 3000, true, concat(descriptor(false, true, 21), bytes(5))), frames::add);
        frame(d, 6000, 22, false, false);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1).rtpTimestamp()).isEqualTo(6000);
        assertThat(d.needsKeyframe()).isFalse();
        assertThat(d.stats().framesDroppedBroken()).isEqualTo(1);
    }

    @Test
    void aBrokenReferenceFrameAsksForAKeyframe() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        frame(d, 0, 20, true, false);
        d.push(packet(seq++, 3000, false, concat(descriptor(true, false, 21), INTER_HEADER)), frames::add);
        seq++;
        d.push(packet(seq++, 3000, true, concat(descriptor(false, false, 21), bytes(5))), frames::add);
        assertThat(d.needsKeyframe()).isTrue();
    }

    @Test
    void keyframeWithoutTheStartCodeIsMalformed() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        byte[] bad = bytes(0x50, 0x02, 0x00, 0x9D, 0x01, 0x2B, 0x80, 0x02, 0xE0, 0x01);
        d.push(packet(1, 0, true, concat(bytes(0x10), bad)), frames::add);
        assertThat(frames).isEmpty();
        assertThat(d.stats().malformedPackets()).isEqualTo(1);
    }

    @Test
    void descriptorRunningPastThePayloadIsMalformed() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        d.push(packet(1, 0, true, bytes(0x90, 0x80, 0x80)), frames::add); // 15-bit picture id cut short
        d.push(packet(2, 3000, true, bytes(0x10)), frames::add); // no VP8 payload
        assertThat(frames).isEmpty();
        assertThat(d.stats().malformedPackets()).isEqualTo(2);
    }
}
