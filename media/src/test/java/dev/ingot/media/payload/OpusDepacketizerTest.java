package dev.ingot.media.payload;

import static dev.ingot.media.payload.Rtp.bytes;
import static dev.ingot.media.payload.Rtp.packet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpusDepacketizerTest {
    private final List<EncodedFrame> frames = new ArrayList<>();

    @Test
    void eachPayloadIsOneOpusPacketPassedThrough() {
        OpusDepacketizer d = new OpusDepacketizer();
        byte[] opus = bytes(0xFC, 0xFF, 0xFE, 0x01, 0x02);
        byte[] buffer = new byte[20];
        System.arraycopy(opus, 0, buffer, 12, opus.length);
        d.push(new RtpMedia(7, 960, false, 111, 1, buffer, 12, opus.length, 55), frames::add);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.data()).isEqualTo(opus);
            assertThat(f.rtpTimestamp()).isEqualTo(960);
            assertThat(f.keyframe()).isTrue();
            assertThat(f.discontinuity()).isFalse();
            assertThat(f.firstArrivalNanos()).isEqualTo(55);
        });
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void aGapMarksTheNextPacketAndNeverAsksForAKeyframe() {
        OpusDepacketizer d = new OpusDepacketizer();
        d.push(packet(1, 0, false, bytes(0x78, 1)), frames::add);
        d.push(packet(3, 1920, false, bytes(0x78, 2)), frames::add);
        d.push(packet(4, 2880, false, bytes(0x78, 3)), frames::add);
        assertThat(frames).extracting(EncodedFrame::discontinuity).containsExactly(false, true, false);
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void duplicatesAndEmptyPayloadsAreDropped() {
        OpusDepacketizer d = new OpusDepacketizer();
        d.push(packet(1, 0, false, bytes(0x78, 1)), frames::add);
        d.push(packet(1, 0, false, bytes(0x78, 1)), frames::add);
        d.push(packet(2, 960, false, new byte[0]), frames::add);
        d.push(packet(3, 1920, false, bytes(0x78, 3)), frames::add);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(1).discontinuity()).isFalse();
        assertThat(d.stats().duplicatePackets()).isEqualTo(1);
        assertThat(d.stats().paddingPackets()).isEqualTo(1);
    }
}
