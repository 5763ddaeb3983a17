package dev.ingot.media.payload;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles VP9 RTP payloads (RFC 9628) into one frame per RTP timestamp (one picture). The payload
 * descriptor is read in both flexible (F=1: reference indices P_DIFF) and non-flexible mode (TL0PICIDX), with
 * picture id, layer indices and the scalability structure (SS), which is kept for {@link #scalabilityStructure()}.
 * A layer frame runs from the packet with B=1 to the one with E=1; the picture ends at the marker bit.
 *
 * <p>A picture with one layer frame is emitted as that frame. A picture with several (spatial layers) is
 * emitted as a VP9 superframe (VP9 bitstream spec, Annex B): the layer frames, lowest spatial layer first,
 * followed by a superframe index; a layer frame that is itself a superframe is flattened into it. This is the
 * form FFmpeg's vp9 decoder takes (it splits superframes itself); it decodes every layer and outputs the shown
 * frames. A picture is a keyframe when its first layer frame has SID 0 and P=0 and its uncompressed header
 * says KEY_FRAME (when the header is readable).
 *
 * <p>After a loss, decoding continues without a keyframe when the next picture's id follows the last emitted
 * one (only padding was lost); otherwise it waits for a keyframe.
 */
public final class Vp9Depacketizer extends VideoDepacketizer {
    private static final int NO_PICTURE_ID = -1;
    private static final int MAX_FRAMES = 8; // a superframe holds at most 8 frames

    private Vp9ScalabilityStructure scalabilityStructure;
    private int lastPictureId = NO_PICTURE_ID;
    private boolean lastPictureIdLong;

    // per picture
    private int pictureId;
    private boolean pictureIdLong;
    private boolean keyframe;
    private int layerFrames;
    private boolean layerOpen;
    private final int[] layerStart = new int[MAX_FRAMES];
    private final int[] layerEnd = new int[MAX_FRAMES];
    // the frames to emit (layer frames, flattened), computed by completeFrame
    private int frameCount;
    private final int[] frameStart = new int[MAX_FRAMES];
    private final int[] frameLength = new int[MAX_FRAMES];

    public Vp9Depacketizer() {
        this(MAX_FRAME_BYTES);
    }

    Vp9Depacketizer(int maxFrameBytes) {
        super(maxFrameBytes);
    }

    /** The latest scalability structure the sender described, or null if none yet. */
    public Vp9ScalabilityStructure scalabilityStructure() {
        return scalabilityStructure;
    }

    @Override
    void beginFrame() {
        pictureId = NO_PICTURE_ID;
        pictureIdLong = false;
        keyframe = false;
        layerFrames = 0;
        layerOpen = false;
    }

    @Override
    void depacketize(RtpMedia p) {
        int len = p.payloadLength();
        int b0 = p.payloadByte(0);
        boolean hasPictureId = (b0 & 0x80) != 0;
        boolean interPicture = (b0 & 0x40) != 0;
        boolean hasLayers = (b0 & 0x20) != 0;
        boolean flexible = (b0 & 0x10) != 0;
        boolean begin = (b0 & 0x08) != 0;
        boolean end = (b0 & 0x04) != 0;
        boolean hasSs = (b0 & 0x02) != 0;
        int i = 1;
        int pid = NO_PICTURE_ID;
        boolean pidLong = false;
        if (hasPictureId) {
            if (i >= len) {
                malformed();
                return;
            }
            int m = p.payloadByte(i++);
            if ((m & 0x80) != 0) {
                if (i >= len) {
                    malformed();
                    return;
                }
                pid = ((m & 0x7F) << 8) | p.payloadByte(i++);
                pidLong = true;
            } else {
                pid = m;
            }
        }
        int spatialId = 0;
        if (hasLayers) {
            if (i >= len) {
                malformed();
                return;
            }
            spatialId = (p.payloadByte(i++) >> 1) & 0x07;
            if (!flexible) {
                i++; // TL0PICIDX
            }
        }
        if (flexible && interPicture) {
            for (int refs = 0; ; refs++) {
                if (i >= len || refs == 3) {
                    malformed(); // past the payload, or more than 3 reference indices
                    return;
                }
                boolean more = (p.payloadByte(i++) & 0x01) != 0;
                if (!more) {
                    break;
                }
            }
        }
        if (hasSs) {
            i = readScalabilityStructure(p, i);
            if (i < 0) {
                malformed();
                return;
            }
        }
        if (i > len) {
            malformed();
            return;
        }
        if (pictureId == NO_PICTURE_ID && pid != NO_PICTURE_ID) {
            pictureId = pid;
            pictureIdLong = pidLong;
        }
        if (isBroken()) {
            return;
        }
        if (begin) {
            if (layerOpen || layerFrames == MAX_FRAMES) {
                malformed(); // the previous layer frame never ended, or too many layer frames
                return;
            }
            if (layerFrames == 0) {
                keyframe = spatialId == 0 && !interPicture && headerSaysKeyframe(p, i, len - i);
            }
            layerStart[layerFrames] = frame.length();
            layerOpen = true;
        } else if (!layerOpen) {
            breakFrame(); // the layer frame's first packet was not received
            return;
        }
        if (!put(p.payload(), p.payloadOffset() + i, len - i)) {
            return;
        }
        if (end) {
            layerEnd[layerFrames++] = frame.length();
            layerOpen = false;
        }
    }

    /** Parses the SS at payload index {@code i} into {@link #scalabilityStructure}; the index after it, or -1. */
    private int readScalabilityStructure(RtpMedia p, int i) {
        int len = p.payloadLength();
        if (i >= len) {
            return -1;
        }
        int v = p.payloadByte(i++);
        int spatialLayers = (v >> 5) + 1;
        boolean hasResolutions = (v & 0x10) != 0;
        boolean hasGroup = (v & 0x08) != 0;
        List<Vp9ScalabilityStructure.Resolution> resolutions = new ArrayList<>();
        if (hasResolutions) {
            if (len - i < 4 * spatialLayers) {
                return -1;
            }
            for (int s = 0; s < spatialLayers; s++) {
                int w = (p.payloadByte(i) << 8) | p.payloadByte(i + 1);
                int h = (p.payloadByte(i + 2) << 8) | p.payloadByte(i + 3);
                resolutions.add(new Vp9ScalabilityStructure.Resolution(w, h));
                i += 4;
            }
        }
        List<Vp9ScalabilityStructure.GroupPicture> group = new ArrayList<>();
        if (hasGroup) {
            if (i >= len) {
                return -1;
            }
            int pictures = p.payloadByte(i++);
            for (int g = 0; g < pictures; g++) {
                if (i >= len) {
                    return -1;
                }
                int d = p.payloadByte(i++);
                int refs = (d >> 2) & 0x03;
                if (len - i < refs) {
                    return -1;
                }
                List<Integer> diffs = new ArrayList<>(refs);
                for (int r = 0; r < refs; r++) {
                    diffs.add(p.payloadByte(i++));
                }
                group.add(new Vp9ScalabilityStructure.GroupPicture(d >> 5, (d & 0x10) != 0, List.copyOf(diffs)));
            }
        }
        scalabilityStructure = new Vp9ScalabilityStructure(spatialLayers, List.copyOf(resolutions),
                List.copyOf(group));
        return i;
    }

    /**
     * Reads the start of a VP9 uncompressed header (VP9 bitstream spec §6.2): frame_marker, profile,
     * show_existing_frame, frame_type. True for KEY_FRAME, and when the header cannot be read (then the
     * descriptor's P=0 is trusted).
     */
    private static boolean headerSaysKeyframe(RtpMedia p, int i, int n) {
        if (n < 1) {
            return true;
        }
        int b = p.payloadByte(i);
        if ((b >> 6) != 0b10) {
            return true; // not a frame header we understand
        }
        int profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
        int next = 3; // the next unread bit, counted from the most significant bit 7 down
        if (profile == 3) {
            next--; // reserved_zero
        }
        boolean showExisting = ((b >> next) & 1) != 0;
        if (showExisting) {
            return false;
        }
        next--;
        int frameType = (b >> next) & 1;
        return frameType == 0;
    }

    @Override
    boolean completeFrame() {
        if (layerOpen || layerFrames == 0) {
            return false;
        }
        frameCount = 0;
        byte[] bytes = frame.array();
        for (int l = 0; l < layerFrames; l++) {
            int start = layerStart[l];
            int length = layerEnd[l] - start;
            if (length == 0) {
                continue;
            }
            if (layerFrames > 1 && splitSuperframe(bytes, start, length)) {
                continue;
            }
            if (frameCount == MAX_FRAMES) {
                return false;
            }
            frameStart[frameCount] = start;
            frameLength[frameCount++] = length;
        }
        return frameCount > 0;
    }

    /** If the bytes end in a valid superframe index, adds its frames and returns true (false if too many). */
    private boolean splitSuperframe(byte[] b, int start, int length) {
        int marker = b[start + length - 1] & 0xFF;
        if ((marker & 0xE0) != 0xC0) {
            return false;
        }
        int frames = (marker & 0x07) + 1;
        int mag = ((marker >> 3) & 0x03) + 1;
        int indexSize = 2 + mag * frames;
        if (length < indexSize || (b[start + length - indexSize] & 0xFF) != marker) {
            return false;
        }
        int at = start;
        int limit = start + length - indexSize;
        int sizes = start + length - indexSize + 1;
        if (frameCount + frames > MAX_FRAMES) {
            return false;
        }
        int added = 0;
        for (int f = 0; f < frames; f++) {
            long size = 0;
            for (int k = 0; k < mag; k++) {
                size |= (long) (b[sizes + f * mag + k] & 0xFF) << (8 * k);
            }
            if (size > limit - at) {
                frameCount -= added; // not a consistent index: treat the bytes as one frame
                return false;
            }
            if (size > 0) {
                frameStart[frameCount] = at;
                frameLength[frameCount++] = (int) size;
                added++;
            }
            at += (int) size;
        }
        return true;
    }

    @Override
    boolean isKeyframe() {
        return keyframe;
    }

    @Override
    byte[] output() {
        byte[] b = frame.array();
        if (frameCount == 1) {
            return frame.copy(frameStart[0], frameStart[0] + frameLength[0]);
        }
        int total = 0;
        int largest = 0;
        for (int f = 0; f < frameCount; f++) {
            total += frameLength[f];
            largest = Math.max(largest, frameLength[f]);
        }
        int mag = largest < (1 << 8) ? 1 : largest < (1 << 16) ? 2 : largest < (1 << 24) ? 3 : 4;
        int marker = 0xC0 | ((mag - 1) << 3) | (frameCount - 1);
        byte[] data = new byte[total + 2 + mag * frameCount];
        int at = 0;
        for (int f = 0; f < frameCount; f++) {
            System.arraycopy(b, frameStart[f], data, at, frameLength[f]);
            at += frameLength[f];
        }
        data[at++] = (byte) marker;
        for (int f = 0; f < frameCount; f++) {
            for (int k = 0; k < mag; k++) {
                data[at++] = (byte) (frameLength[f] >> (8 * k));
            }
        }
        data[at] = (byte) marker;
        return data;
    }

    @Override
    void resetCodec() {
        lastPictureId = NO_PICTURE_ID;
        layerOpen = false;
    }

    @Override
    boolean judgesLossAtNextFrame() {
        return true;
    }

    @Override
    boolean lossWasHarmless() {
        if (pictureId == NO_PICTURE_ID || lastPictureId == NO_PICTURE_ID) {
            return false;
        }
        int mask = pictureIdLong && lastPictureIdLong ? 0x7FFF : 0x7F;
        return (pictureId & mask) == ((lastPictureId + 1) & mask);
    }

    @Override
    void frameAccountedFor() {
        lastPictureId = pictureId;
        lastPictureIdLong = pictureIdLong;
    }
}
