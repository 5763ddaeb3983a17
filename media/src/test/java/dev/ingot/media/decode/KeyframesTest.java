package dev.ingot.media.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class KeyframesTest {
    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void agreesWithTheEncoderAboutWhichUnitsAreKeyframes(VideoCodecKind codec) {
        for (TestEncoder.Unit u : TestEncoder.encode(codec, 160, 120, 12, i -> i == 7)) {
            assertThat(Keyframes.isKeyframe(codec, u.data(), u.data().length)).as("frame %d", u.frameIndex())
                    .isEqualTo(u.key());
            assertThat(u.key()).isEqualTo(u.frameIndex() == 0 || u.frameIndex() == 7);
        }
    }

    @Test
    void h264IdrIsFoundAfterThreeAndFourByteStartCodes() {
        assertThat(Keyframes.h264HasIdr(new byte[] {0, 0, 0, 1, 0x67, 1, 0, 0, 1, 0x65, 2}, 11)).isTrue();
        assertThat(Keyframes.h264HasIdr(new byte[] {0, 0, 1, 0x25, 9}, 5)).isTrue(); // nal_ref_idc 1, type 5
        assertThat(Keyframes.h264HasIdr(new byte[] {0, 0, 0, 1, 0x41, 0x65}, 6)).isFalse();
        assertThat(Keyframes.h264HasIdr(new byte[] {0, 0, 1}, 3)).isFalse();
        assertThat(Keyframes.h264HasIdr(new byte[] {0, 0, 1, 0x65}, 3)).isFalse(); // beyond len
        assertThat(Keyframes.h264HasIdr(new byte[0], 0)).isFalse();
    }

    @Test
    void vp9HeaderBitsFollowTheSpec() {
        assertThat(Keyframes.vp9IsKeyframe(new byte[] {(byte) 0x82}, 1)).isTrue();   // profile 0 key
        assertThat(Keyframes.vp9IsKeyframe(new byte[] {(byte) 0x86}, 1)).isFalse();  // profile 0 inter
        assertThat(Keyframes.vp9IsKeyframe(new byte[] {(byte) 0x8a}, 1)).isFalse();  // show_existing_frame
        assertThat(Keyframes.vp9IsKeyframe(new byte[] {(byte) 0xb0}, 1)).isTrue();   // profile 3 key
        assertThat(Keyframes.vp9IsKeyframe(new byte[] {(byte) 0x02}, 1)).isFalse();  // bad frame marker
        assertThat(Keyframes.vp9IsKeyframe(new byte[0], 0)).isFalse();
    }

    @Test
    void vp8NeedsTheStartCodeOfAKeyframe() {
        byte[] key = {0x10, 0x02, 0x00, (byte) 0x9d, 0x01, 0x2a, 0x40, 0x01, (byte) 0xf0, 0x00};
        assertThat(Keyframes.vp8IsKeyframe(key, key.length)).isTrue();
        assertThat(Keyframes.vp8IsKeyframe(key, 9)).isFalse();
        key[0] |= 1;
        assertThat(Keyframes.vp8IsKeyframe(key, key.length)).isFalse();
    }
}
