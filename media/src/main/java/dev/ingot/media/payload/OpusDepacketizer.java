package dev.ingot.media.payload;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Opus over RTP (RFC 7587 §4.2): every RTP payload is one Opus packet, emitted as it is with its timestamp.
 * Every frame counts as a keyframe and a keyframe is never needed; a gap in sequence numbers sets the next
 * frame's {@code discontinuity}, so the decoder can conceal it or use in-band FEC.
 */
public final class OpusDepacketizer implements Depacketizer {
    private long packets;
    private long paddingPackets;
    private long duplicatePackets;
    private long latePackets;
    private long framesEmitted;
    private int lastSeq = -1;
    private boolean discontinuity;

    @Override
    public void push(RtpMedia p, Consumer<EncodedFrame> out) {
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
            if (delta > 1) {
                discontinuity = true;
            }
        }
        lastSeq = seq;
        if (p.payloadLength() == 0) {
            paddingPackets++;
            return;
        }
        byte[] data = Arrays.copyOfRange(p.payload(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
        boolean gap = discontinuity;
        discontinuity = false;
        framesEmitted++;
        out.accept(new EncodedFrame(data, p.timestamp(), true, gap, p.arrivalNanos(), p.arrivalNanos()));
    }

    @Override
    public boolean needsKeyframe() {
        return false;
    }

    @Override
    public void reset() {
        lastSeq = -1;
        discontinuity = false;
    }

    @Override
    public DepacketizerStats stats() {
        return new DepacketizerStats(packets, paddingPackets, duplicatePackets, latePackets, 0, framesEmitted,
                framesEmitted, 0, 0, 0, 0);
    }
}
