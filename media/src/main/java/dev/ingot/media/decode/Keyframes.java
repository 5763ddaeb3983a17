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
            case H265 -> h265HasIrap(au, len);
            case AV1 -> av1IsKeyframe(au, len);
        };
    }

    /**
     * An H.265 access unit in Annex B form holding an IRAP picture (BLA, IDR or CRA: nal_unit_type 16-21,
     * H.265 §7.4.2.2), where decoding can start.
     */
    static boolean h265HasIrap(byte[] au, int len) {
        return anyNalUnit(au, len, header -> ((header >> 1) & 0x3f) >= 16 && ((header >> 1) & 0x3f) <= 21);
    }

    /**
     * An AV1 temporal unit in low-overhead format (OBUs with size fields, AV1 §5) holding a sequence header and a
     * frame header that says KEY_FRAME (show_existing_frame 0, frame_type 0, or a reduced still picture header).
     */
    static boolean av1IsKeyframe(byte[] tu, int len) {
        boolean sequenceHeader = false;
        boolean reducedStill = false;
        int i = 0;
        while (i < len) {
            int header = tu[i] & 0xff;
            int type = (header >> 3) & 0x0f;
            int at = i + 1 + ((header & 0x04) != 0 ? 1 : 0);
            if ((header & 0x02) == 0 || at >= len) {
                return false; // without obu_size the unit cannot be walked
            }
            long size = 0;
            int n = 0;
            int b;
            do {
                if (at >= len || n == 8) {
                    return false;
                }
                b = tu[at++] & 0xff;
                size |= (long) (b & 0x7f) << (7 * n++);
            } while ((b & 0x80) != 0);
            if (size > len - at) {
                return false;
            }
            if (type == 1 && size > 0) {
                sequenceHeader = true;
                reducedStill = (tu[at] & 0x08) != 0;
            } else if ((type == 3 || type == 6) && size > 0) {
                int first = tu[at] & 0xff;
                return sequenceHeader && (reducedStill || ((first & 0x80) == 0 && ((first >> 5) & 0x03) == 0));
            }
            i = at + (int) size;
        }
        return false;
    }

    /** An H264 access unit in Annex B form (start codes) holding an IDR slice (nal_unit_type 5, RFC 6184 §1.3). */
    static boolean h264HasIdr(byte[] au, int len) {
        return anyNalUnit(au, len, header -> (header & 0x1f) == 5);
    }

    /** Whether a NAL unit of an Annex B access unit has a first header byte that {@code test} accepts. */
    private static boolean anyNalUnit(byte[] au, int len, java.util.function.IntPredicate test) {
        int zeros = 0;
        for (int i = 0; i < len; i++) {
            int b = au[i] & 0xff;
            if (b == 0) {
                zeros++;
                continue;
            }
            if (b == 1 && zeros >= 2 && i + 1 < len && test.test(au[i + 1] & 0xff)) {
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
