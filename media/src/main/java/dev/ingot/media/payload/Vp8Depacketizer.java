package dev.ingot.media.payload;

/**
 * Assembles VP8 RTP payloads (RFC 7741) into frames. Each packet starts with the payload descriptor
 * (§4.2: X, N, S, PID, and the I/L/T/K extensions with a 7- or 15-bit picture id); a frame starts at the
 * packet with S=1 and PID=0, whose VP8 payload header's inverse key frame flag P tells a keyframe (§4.3),
 * and ends at the marker bit. The emitted frame is the concatenated VP8 payloads.
 *
 * <p>After a loss, decoding continues without a keyframe when the picture ids show nothing needed was lost:
 * the next frame's picture id follows the last emitted one (only padding was lost), or the frame lost in
 * between was marked non-reference (N=1). Otherwise it waits for a keyframe.
 */
public final class Vp8Depacketizer extends VideoDepacketizer {
    private static final int NO_PICTURE_ID = -1;

    /** Picture id of the last frame emitted or dropped harmlessly; NO_PICTURE_ID if unknown. */
    private int lastPictureId = NO_PICTURE_ID;
    private boolean lastPictureIdLong;

    // per frame
    private boolean started;
    private boolean keyframe;
    private boolean nonReference;
    private int pictureId;
    private boolean pictureIdLong;

    public Vp8Depacketizer() {
        this(MAX_FRAME_BYTES);
    }

    Vp8Depacketizer(int maxFrameBytes) {
        super(maxFrameBytes);
    }

    @Override
    void beginFrame() {
        started = false;
        keyframe = false;
        nonReference = false;
        pictureId = NO_PICTURE_ID;
        pictureIdLong = false;
    }

    @Override
    void depacketize(RtpMedia p) {
        int len = p.payloadLength();
        int b0 = p.payloadByte(0);
        boolean extended = (b0 & 0x80) != 0;
        boolean n = (b0 & 0x20) != 0;
        boolean s = (b0 & 0x10) != 0;
        int partition = b0 & 0x07;
        int i = 1;
        int pid = NO_PICTURE_ID;
        boolean pidLong = false;
        if (extended) {
            if (i >= len) {
                malformed();
                return;
            }
            int x = p.payloadByte(i++);
            if ((x & 0x80) != 0) { // I: picture id
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
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                i++;
            }
            if ((x & 0x30) != 0) { // T or K: TID|Y|KEYIDX
                i++;
            }
        }
        if (i >= len) {
            malformed(); // descriptor runs past the payload, or no VP8 payload at all
            return;
        }
        if (pictureId == NO_PICTURE_ID && pid != NO_PICTURE_ID) {
            pictureId = pid;
            pictureIdLong = pidLong;
        }
        if (s && partition == 0) {
            if (started) {
                malformed(); // a second frame start under the same timestamp
                return;
            }
            started = true;
            nonReference = n;
            int header = p.payloadByte(i);
            keyframe = (header & 0x01) == 0; // P: inverse key frame flag
            // a keyframe's 10-byte header carries the start code 9d 01 2a (RFC 6386 §9.1)
            if (keyframe && len - i >= 6
                    && (p.payloadByte(i + 3) != 0x9D || p.payloadByte(i + 4) != 0x01 || p.payloadByte(i + 5) != 0x2A)) {
                malformed();
                return;
            }
        } else if (!started) {
            breakFrame(); // the frame's first packet was not received
            return;
        }
        put(p.payload(), p.payloadOffset() + i, len - i);
    }

    @Override
    boolean completeFrame() {
        return started;
    }

    @Override
    boolean isKeyframe() {
        return keyframe;
    }

    @Override
    byte[] output() {
        return frame.copy(0, frame.length());
    }

    @Override
    void resetCodec() {
        lastPictureId = NO_PICTURE_ID;
    }

    @Override
    boolean judgesLossAtNextFrame() {
        return true;
    }

    @Override
    boolean lossWasHarmless() {
        return followsLast();
    }

    @Override
    boolean brokenFrameDiscardable() {
        return started && nonReference && followsLast();
    }

    @Override
    void frameAccountedFor() {
        lastPictureId = pictureId;
        lastPictureIdLong = pictureIdLong;
    }

    private boolean followsLast() {
        if (pictureId == NO_PICTURE_ID || lastPictureId == NO_PICTURE_ID) {
            return false;
        }
        int mask = pictureIdLong && lastPictureIdLong ? 0x7FFF : 0x7F;
        return (pictureId & mask) == ((lastPictureId + 1) & mask);
    }
}
