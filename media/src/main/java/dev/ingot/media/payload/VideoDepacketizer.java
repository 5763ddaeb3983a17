package dev.ingot.media.payload;

import java.util.function.Consumer;

/**
 * What the video depacketizers share: sequence tracking, frame boundaries (marker bit or a new RTP
 * timestamp), dropping broken frames, and waiting for a keyframe. A codec subclass parses payloads into the
 * frame buffer through {@link #put} and decides what a frame start, a keyframe and a complete frame are.
 */
abstract sealed class VideoDepacketizer implements Depacketizer
        permits H264Depacketizer, H265Depacketizer, Av1Depacketizer, Vp8Depacketizer, Vp9Depacketizer {

    /** The frame being assembled. */
    final FrameBuffer frame;

    private long packets;
    private long paddingPackets;
    private long duplicatePackets;
    private long latePackets;
    private long malformedPackets;
    private long framesEmitted;
    private long keyframesEmitted;
    private long framesDroppedBroken;
    private long framesDroppedWaiting;
    private long framesDroppedOversize;
    private long keyframeRequests;

    private int lastSeq = -1;
    private boolean open;
    private boolean broken;
    private boolean oversize;
    private long frameTimestamp;
    private long firstArrival;
    private long lastArrival;

    private boolean waitingForKeyframe = true;
    private boolean keyframeNeeded;
    /** A loss happened that the codec will judge at the next frame (see {@link #judgesLossAtNextFrame}). */
    private boolean lossPending;
    private boolean discontinuity;

    VideoDepacketizer(int maxFrameBytes) {
        this.frame = new FrameBuffer(maxFrameBytes);
    }

    @Override
    public final void push(RtpMedia p, Consumer<EncodedFrame> out) {
        packets++;
        int seq = p.sequenceNumber();
        if (lastSeq >= 0) {
            int delta = (seq - lastSeq) & 0xFFFF;
            if (delta == 0) {
                duplicatePackets++;
                return;
            }
            if (delta >= 0x8000 && 0x10000 - delta <= Depacketizer.MAX_MISORDER) {
                latePackets++;
                return;
            }
            lastSeq = seq;
            if (delta > 1) {
                onLoss();
            }
        } else {
            lastSeq = seq;
        }
        if (p.payloadLength() == 0) {
            paddingPackets++; // padding carries no frame boundary: senders may send it with any timestamp
            return;
        }
        if (open && p.timestamp() != frameTimestamp) {
            finish(out); // the previous frame ended without a marker bit
        }
        if (!open) {
            open = true;
            broken = false;
            oversize = false;
            frameTimestamp = p.timestamp();
            firstArrival = p.arrivalNanos();
            frame.reset();
            beginFrame();
        }
        lastArrival = p.arrivalNanos();
        depacketize(p);
        if (p.marker()) {
            finish(out);
        }
    }

    @Override
    public final boolean needsKeyframe() {
        return keyframeNeeded;
    }

    @Override
    public void reset() {
        lastSeq = -1;
        open = false;
        broken = false;
        oversize = false;
        frame.reset();
        waitingForKeyframe = true;
        keyframeNeeded = false;
        lossPending = false;
        discontinuity = false;
        resetCodec();
    }

    @Override
    public final DepacketizerStats stats() {
        return new DepacketizerStats(packets, paddingPackets, duplicatePackets, latePackets, malformedPackets,
                framesEmitted, keyframesEmitted, framesDroppedBroken, framesDroppedWaiting, framesDroppedOversize,
                keyframeRequests);
    }

    // ---- for codec subclasses ----

    /** Appends payload bytes to the frame; false (and the frame is broken) when over the cap or broken already. */
    final boolean put(byte[] src, int offset, int count) {
        if (broken) {
            return false;
        }
        if (!frame.append(src, offset, count)) {
            tooBig();
            return false;
        }
        return true;
    }

    final boolean put(int b) {
        if (broken) {
            return false;
        }
        if (!frame.append(b)) {
            tooBig();
            return false;
        }
        return true;
    }

    final boolean putStartCode() {
        if (broken) {
            return false;
        }
        if (!frame.appendStartCode()) {
            tooBig();
            return false;
        }
        return true;
    }

    /** The packet breaks its payload format's rules: counted, and the frame it belongs to is dropped. */
    final void malformed() {
        malformedPackets++;
        broken = true;
    }

    /** A part of the frame is missing (e.g. its start was never received): the frame is dropped. */
    final void breakFrame() {
        broken = true;
    }

    final boolean isBroken() {
        return broken;
    }

    /** Resets per-frame codec state at the first packet of a frame. */
    abstract void beginFrame();

    /** Parses one non-empty payload of the current frame (also called when the frame is already broken). */
    abstract void depacketize(RtpMedia p);

    /** At the end of an unbroken frame: true if it is complete and may be emitted. */
    abstract boolean completeFrame();

    /** After {@link #completeFrame()} returned true: whether the frame can start decoding. */
    abstract boolean isKeyframe();

    /** After {@link #completeFrame()} returned true: the bytes to emit (a fresh array). */
    abstract byte[] output();

    /** Forgets codec state on {@link #reset()}. */
    abstract void resetCodec();

    /**
     * Whether the codec can tell, at the next frame, that a loss did not break decoding (e.g. consecutive
     * picture ids); if false every loss asks for a keyframe at once.
     */
    boolean judgesLossAtNextFrame() {
        return false;
    }

    /** With a loss pending: whether the current (complete) frame shows that nothing needed was lost. */
    boolean lossWasHarmless() {
        return false;
    }

    /** Whether the current broken frame can be dropped without breaking later frames. */
    boolean brokenFrameDiscardable() {
        return false;
    }

    /** The current frame was emitted, or dropped without breaking decoding: the codec may note its id. */
    void frameAccountedFor() {
    }

    // ---- internals ----

    private void tooBig() {
        broken = true;
        oversize = true;
    }

    private void onLoss() {
        discontinuity = true;
        if (open) {
            broken = true;
        }
        if (judgesLossAtNextFrame()) {
            lossPending = true;
        } else {
            waitForKeyframe();
        }
    }

    private void waitForKeyframe() {
        waitingForKeyframe = true;
        if (!keyframeNeeded) {
            keyframeNeeded = true;
            keyframeRequests++;
        }
    }

    private void finish(Consumer<EncodedFrame> out) {
        open = false;
        if (!broken && !completeFrame()) {
            broken = true;
        }
        if (broken) {
            discontinuity = true;
            if (oversize) {
                framesDroppedOversize++;
            } else {
                framesDroppedBroken++;
            }
            if (judgesLossAtNextFrame() && !oversize && brokenFrameDiscardable()) {
                frameAccountedFor();
                lossPending = true; // the next frame must follow this one directly
            } else {
                lossPending = false;
                waitForKeyframe();
            }
            frame.reset();
            return;
        }
        if (frame.length() == 0) {
            return; // nothing decodable in it (e.g. only H264 NAL types a receiver ignores)
        }
        boolean key = isKeyframe();
        if (lossPending) {
            lossPending = false;
            if (!key && !lossWasHarmless()) {
                waitForKeyframe();
            }
        }
        if (waitingForKeyframe && !key) {
            framesDroppedWaiting++;
            discontinuity = true;
            if (!keyframeNeeded) {
                keyframeNeeded = true;
                keyframeRequests++;
            }
            frame.reset();
            return;
        }
        waitingForKeyframe = false;
        keyframeNeeded = false;
        byte[] data = output();
        frame.reset();
        framesEmitted++;
        if (key) {
            keyframesEmitted++;
        }
        frameAccountedFor();
        boolean gap = discontinuity;
        discontinuity = false;
        out.accept(new EncodedFrame(data, frameTimestamp, key, gap, firstArrival, lastArrival));
    }
}
