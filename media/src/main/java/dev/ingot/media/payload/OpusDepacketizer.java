package dev.ingot.media.payload;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Opus over RTP (RFC 7587 §4.2): every RTP payload is one Opus packet, emitted as it is with its timestamp.
 * Every frame counts as a keyframe and a keyframe is never needed. Each frame says what is missing before it:
 * {@code lostPackets} from a gap in sequence numbers (which also sets {@code discontinuity}), and
 * {@code gapSamples}, the 48 kHz samples between the end of the previous packet (its timestamp plus the
 * duration its TOC gives) and this one, which covers lost packets and pauses in sending (DTX) alike, so the
 * decoder can fill them by in-band FEC or concealment.
 */
public final class OpusDepacketizer implements Depacketizer {
    private long packets;
    private long paddingPackets;
    private long duplicatePackets;
    private long latePackets;
    private long framesEmitted;
    private int lastSeq = -1;
    private boolean discontinuity;
    private int lost;
    /** The RTP timestamp where the previous packet's audio ended, or -1 before the first packet. */
    private long expectedTimestamp = -1;

    /** A gap longer than this (10 s at 48 kHz) is a jump of the sender's timestamps, not audio to fill. */
    private static final long MAX_GAP = 480_000;

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
                lost = delta > Depacketizer.MAX_MISORDER ? 0 : lost + delta - 1;
            }
        }
        lastSeq = seq;
        if (p.payloadLength() == 0) {
            paddingPackets++;
            return;
        }
        byte[] data = Arrays.copyOfRange(p.payload(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
        boolean gap = discontinuity;
        int lostBefore = lost;
        discontinuity = false;
        lost = 0;
        int gapSamples = 0;
        if (expectedTimestamp >= 0) {
            long ahead = (p.timestamp() - expectedTimestamp) & 0xFFFF_FFFFL;
            gapSamples = ahead > 0 && ahead <= MAX_GAP ? (int) ahead : 0;
        }
        int duration = OpusToc.samples48k(data, data.length);
        expectedTimestamp = duration > 0 ? (p.timestamp() + duration) & 0xFFFF_FFFFL : -1;
        framesEmitted++;
        out.accept(new EncodedFrame(data, p.timestamp(), true, gap, p.arrivalNanos(), p.arrivalNanos(), lostBefore,
                gapSamples));
    }

    @Override
    public boolean needsKeyframe() {
        return false;
    }

    @Override
    public void reset() {
        lastSeq = -1;
        discontinuity = false;
        lost = 0;
        expectedTimestamp = -1;
    }

    @Override
    public DepacketizerStats stats() {
        return new DepacketizerStats(packets, paddingPackets, duplicatePackets, latePackets, 0, framesEmitted,
                framesEmitted, 0, 0, 0, 0);
    }
}
