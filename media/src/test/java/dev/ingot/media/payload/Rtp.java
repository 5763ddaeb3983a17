package dev.ingot.media.payload;

import java.io.ByteArrayOutputStream;
import java.util.Random;

/** Builds RTP payloads and packets for the depacketizer tests. */
final class Rtp {
    private Rtp() {
    }

    static RtpMedia packet(int seq, long ts, boolean marker, byte[] payload) {
        return RtpMedia.of(seq & 0xFFFF, ts & 0xFFFF_FFFFL, marker, 96, 0x1234, payload, 1_000_000L * seq);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** NAL units each after a 4-byte start code. */
    static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }
}
