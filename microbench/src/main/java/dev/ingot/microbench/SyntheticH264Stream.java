package dev.ingot.microbench;

import dev.ingot.rtc.rtp.RtpPacketWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ring of plain RTP packets carrying H264 video the way a browser sends it (RFC 6184, packetization mode 1):
 * whole frames of about {@value #FRAME_BYTES} bytes cut into FU-A fragments so that each RTP packet is
 * {@value #PACKET_BYTES} bytes, with the one-byte header extensions Chrome puts on every video packet
 * (abs-send-time, transport-wide sequence number). The ring starts with a keyframe (SPS and PPS in a STAP-A,
 * then the IDR slice) followed by P frames, and holds as many whole frames as fit in {@value #RING_TARGET}
 * packets. Sequence numbers start at 0, timestamps at 0 and step by 3000 (30 fps on the 90 kHz clock); the
 * marker bit ends each frame. Slice bodies are random bytes: no stage under test looks inside them.
 *
 * <p>Built once per JVM (deterministic seed) and shared by the benchmark states; nothing here is timed.
 */
final class SyntheticH264Stream {
    static final int PACKET_BYTES = 1200;
    static final int FRAME_BYTES = 100_000;
    static final int RING_TARGET = 4096;
    static final int PAYLOAD_TYPE = 96;
    static final long SSRC = 0x1234_5678L;
    static final int TIMESTAMP_STEP = 3000;
    static final long FRAME_INTERVAL_NANOS = 33_333_333L;
    static final int ABS_SEND_TIME_ID = 2;
    static final int TRANSPORT_CC_ID = 3;

    /** Constrained baseline SPS and PPS (ids 0), as in the media module's depacketizer tests. */
    private static final byte[] SPS = Base64.getDecoder().decode("Z0LAHtkAUAW7ARAAAAMAEAAAAwPI8WLkgA==");
    private static final byte[] PPS = Base64.getDecoder().decode("aMuMsg==");

    private static final SyntheticH264Stream SHARED = build();

    /** The plain RTP packets, each an array of exactly its length. */
    final byte[][] packets;
    /** Frame index within the ring of each packet. */
    final int[] frameOf;
    /** Index within its frame of each packet (arrival spacing). */
    final int[] indexInFrame;
    /** RTP payload (offset 0, exact length) of each packet, for the stages that start after parsing. */
    final byte[][] payloads;
    final boolean[] markers;
    final int frames;
    final int packetsPerFrame;

    private SyntheticH264Stream(List<byte[]> packets, List<Integer> frameOf, List<Integer> indexInFrame,
            List<byte[]> payloads, List<Boolean> markers, int frames, int packetsPerFrame) {
        int n = packets.size();
        this.packets = packets.toArray(new byte[0][]);
        this.payloads = payloads.toArray(new byte[0][]);
        this.frameOf = new int[n];
        this.indexInFrame = new int[n];
        this.markers = new boolean[n];
        for (int i = 0; i < n; i++) {
            this.frameOf[i] = frameOf.get(i);
            this.indexInFrame[i] = indexInFrame.get(i);
            this.markers[i] = markers.get(i);
        }
        this.frames = frames;
        this.packetsPerFrame = packetsPerFrame;
    }

    static SyntheticH264Stream shared() {
        return SHARED;
    }

    int size() {
        return packets.length;
    }

    private static SyntheticH264Stream build() {
        SplittableRandom random = new SplittableRandom(42);
        RtpPacketWriter writer = new RtpPacketWriter().payloadType(PAYLOAD_TYPE).ssrc(SSRC)
                .absSendTime(ABS_SEND_TIME_ID, 0).transportSequenceNumber(TRANSPORT_CC_ID, 0);
        int fuChunk = PACKET_BYTES - writer.packetLength(0) - 2; // FU indicator + FU header
        int packetsPerFrame = (FRAME_BYTES - 1 + fuChunk - 1) / fuChunk;
        int frames = (RING_TARGET - 1) / packetsPerFrame; // one extra packet: the keyframe's STAP-A

        List<byte[]> packets = new ArrayList<>();
        List<Integer> frameOf = new ArrayList<>();
        List<Integer> indexInFrame = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        List<Boolean> markers = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            List<byte[]> frame = new ArrayList<>();
            boolean key = f == 0;
            if (key) {
                frame.add(stapA(SPS, PPS));
            }
            byte[] slice = new byte[FRAME_BYTES];
            random.nextBytes(slice);
            slice[0] = (byte) (0x60 | (key ? 5 : 1)); // NRI 3, IDR or non-IDR slice
            frame.addAll(fuA(slice, fuChunk));
            for (int k = 0; k < frame.size(); k++) {
                byte[] payload = frame.get(k);
                int seq = packets.size();
                boolean marker = k == frame.size() - 1;
                writer.sequenceNumber(seq).timestamp((long) f * TIMESTAMP_STEP).marker(marker)
                        .absSendTime(ABS_SEND_TIME_ID, (int) ((f * 2L + k) & 0xFFFFFF))
                        .transportSequenceNumber(TRANSPORT_CC_ID, seq);
                packets.add(writer.toBytes(payload));
                payloads.add(payload);
                frameOf.add(f);
                indexInFrame.add(k);
                markers.add(marker);
            }
        }
        return new SyntheticH264Stream(packets, frameOf, indexInFrame, payloads, markers, frames, packetsPerFrame);
    }

    /** STAP-A (RFC 6184 §5.7.1): type 24, then a 16-bit size before each NAL unit. */
    private static byte[] stapA(byte[]... nals) {
        int size = 1;
        for (byte[] n : nals) {
            size += 2 + n.length;
        }
        byte[] out = new byte[size];
        out[0] = 0x78;
        int at = 1;
        for (byte[] n : nals) {
            out[at++] = (byte) (n.length >> 8);
            out[at++] = (byte) n.length;
            System.arraycopy(n, 0, out, at, n.length);
            at += n.length;
        }
        return out;
    }

    /** FU-A (RFC 6184 §5.8) fragments of one NAL unit, each with up to {@code chunk} bytes of it. */
    private static List<byte[]> fuA(byte[] nal, int chunk) {
        List<byte[]> out = new ArrayList<>();
        int indicator = (nal[0] & 0xE0) | 28;
        int type = nal[0] & 0x1F;
        for (int at = 1; at < nal.length; at += chunk) {
            int end = Math.min(nal.length, at + chunk);
            byte[] fragment = new byte[2 + end - at];
            fragment[0] = (byte) indicator;
            fragment[1] = (byte) (type | (at == 1 ? 0x80 : 0) | (end == nal.length ? 0x40 : 0));
            System.arraycopy(nal, at, fragment, 2, end - at);
            out.add(fragment);
        }
        return out;
    }
}
