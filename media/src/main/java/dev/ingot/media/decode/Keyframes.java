package dev.ingot.media.decode;

/**
 * Tells from the first bytes of an access unit whether it starts a keyframe, so that a decoder waiting for one
 * can drop everything else without handing it to FFmpeg. Reads only within {@code [0, len)}; never throws.
 */
final class Keyframes {
    private Keyframes() {
    }

    static boolean isKeyframe(VideoCodecKind codec, byte[] au, int len) {
        return switch (codec) {
            case H264 -> h264HasIdr(au, len);
            case VP8 -> vp8IsKeyframe(au, len);
            case VP9 -> vp9IsKeyframe(au, len);
        };
    }

    /** An H264 access unit in Annex B form (start codes) holding an IDR slice (nal_unit_type 5, RFC 6184 §1.3). */
    static boolean h264HasIdr(byte[] au, int len) {
        int zeros = 0;
        for (int i = 0; i < len; i++) {
            int b = au[i] & 0xff;
            if (b == 0) {
                zeros++;
                continue;
            }
            if (b == 1 && zeros >= 2 && i + 1 < len && (au[i + 1] & 0x1f) == 5) {
                return true;
            }
            zeros = 0;
        }
        return false;
    }

    /** VP8 frame tag (RFC 6386 §9.1): bit 0 of the first byte is 0 for a key frame, followed by 9d 01 2a. */
    static boolean vp8IsKeyframe(byte[] au, int len) {
        return len >= 10 && (au[0] & 0x01) == 0 && (au[3] & 0xff) == 0x9d && (au[4] & 0xff) == 0x01
                && (au[5] & 0xff) == 0x2a;
    }

    /** VP9 uncompressed header (VP9 bitstream spec §6.2): frame_marker, profile, show_existing_frame, frame_type. */
    static boolean vp9IsKeyframe(byte[] au, int len) {
        if (len < 1) {
            return false;
        }
        int b = au[0] & 0xff;
        if ((b >> 6) != 2) {
            return false;
        }
        int profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
        int bit = profile == 3 ? 2 : 3; // profile 3 has a reserved zero bit first
        boolean showExisting = ((b >> bit) & 1) != 0;
        boolean interFrame = ((b >> (bit - 1)) & 1) != 0;
        return !showExisting && !interFrame;
    }
}
