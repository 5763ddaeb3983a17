package dev.ingot.media.payload;

/**
 * What an Opus packet's TOC byte and frame layout say (RFC 6716 §3): channel count, number of frames, duration,
 * and whether its first frame carries in-band FEC (SILK LBRR data for the previous packet). Reads only within
 * {@code [0, len)}; never throws.
 */
public final class OpusToc {
    private static final int[] SILK_FRAME_SAMPLES = {480, 960, 1920, 2880};
    private static final int[] CELT_FRAME_SAMPLES = {120, 240, 480, 960};

    private OpusToc() {
    }

    /** 1 or 2 from the stereo flag (§3.1), or 0 for an empty packet. */
    public static int channels(byte[] packet, int len) {
        return len < 1 ? 0 : ((packet[0] >> 2) & 1) + 1;
    }

    /** Samples per frame at 48 kHz for a TOC byte's configuration (§3.1, Table 2). */
    public static int frameSamples48k(int toc) {
        int config = (toc >> 3) & 0x1f;
        if (config < 12) { // SILK-only: 10, 20, 40, 60 ms
            return SILK_FRAME_SAMPLES[config & 3];
        }
        if (config < 16) { // hybrid: 10, 20 ms
            return (config & 1) == 0 ? 480 : 960;
        }
        return CELT_FRAME_SAMPLES[config & 3]; // CELT-only: 2.5, 5, 10, 20 ms
    }

    /** Number of frames in a packet (§3.2), or 0 if it is empty or malformed. */
    public static int frameCount(byte[] packet, int len) {
        if (len < 1) {
            return 0;
        }
        return switch (packet[0] & 0x03) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> len < 2 ? 0 : packet[1] & 0x3f;
        };
    }

    /** The packet's duration in 48 kHz samples (0 if empty or malformed). */
    public static int samples48k(byte[] packet, int len) {
        return len < 1 ? 0 : frameCount(packet, len) * frameSamples48k(packet[0] & 0xff);
    }

    /**
     * Whether the packet's first frame holds LBRR (low bit-rate redundancy) data, the in-band FEC that lets a
     * decoder rebuild the packet before it (§4.2.3-§4.2.4): only SILK and hybrid frames have it; its flag follows
     * the VAD flags of each channel's SILK frames, and these first symbols of the range coder have probability
     * one half, so they are the leading bits of the frame's first byte.
     */
    public static boolean hasLbrr(byte[] packet, int len) {
        if (len < 2) {
            return false;
        }
        int toc = packet[0] & 0xff;
        int config = toc >> 3;
        if (config >= 16) {
            return false; // CELT-only
        }
        int first = firstFrameOffset(packet, len);
        if (first < 0 || first >= len) {
            return false; // a zero-length first frame (DTX or lost)
        }
        int silkFrames = config < 12 ? Math.max(1, frameSamples48k(toc) / 960) : 1;
        boolean stereo = (toc & 0x04) != 0;
        int bits = packet[first] & 0xff;
        int midLbrr = 7 - silkFrames; // bit index (7 = most significant) after the mid channel's VAD flags
        boolean lbrr = ((bits >> midLbrr) & 1) != 0;
        if (stereo) {
            int sideLbrr = midLbrr - silkFrames - 1;
            lbrr |= sideLbrr >= 0 && ((bits >> sideLbrr) & 1) != 0;
        }
        return lbrr;
    }

    /** Offset of the first frame's data (§3.2.2-§3.2.5), or -1 when the header is malformed. */
    private static int firstFrameOffset(byte[] p, int len) {
        switch (p[0] & 0x03) {
            case 0, 1 -> {
                return 1;
            }
            case 2 -> {
                int b = p[1] & 0xff;
                return b < 252 ? 2 : 3;
            }
            default -> {
                int count = p[1] & 0x3f;
                boolean vbr = (p[1] & 0x80) != 0;
                boolean padding = (p[1] & 0x40) != 0;
                int i = 2;
                while (padding) {
                    if (i >= len) {
                        return -1;
                    }
                    padding = (p[i++] & 0xff) == 255;
                }
                if (vbr) {
                    for (int f = 0; f < count - 1; f++) {
                        if (i >= len) {
                            return -1;
                        }
                        i += (p[i] & 0xff) < 252 ? 1 : 2;
                    }
                }
                return i;
            }
        }
    }
}
