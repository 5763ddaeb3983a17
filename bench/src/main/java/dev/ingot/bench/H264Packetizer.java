package dev.ingot.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs H264 NAL units into RTP payloads (RFC 6184, packetization-mode 1): a NAL unit that fits the payload
 * size goes alone (§5.6), a larger one is split into FU-A fragments (§5.8), and runs of small parameter-set,
 * SEI and delimiter NAL units are aggregated into one STAP-A (§5.7.1), as browsers do with SPS + PPS.
 */
public final class H264Packetizer {
    private static final int STAP_A = 24;
    private static final int FU_A = 28;
    private final int maxPayload;

    /** A packetizer whose payloads are at most {@code maxPayload} bytes (e.g. 1200). */
    public H264Packetizer(int maxPayload) {
        if (maxPayload < 3) {
            throw new IllegalArgumentException("payload size too small: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    /** The RTP payloads of one access unit, in sending order; the last one carries the marker bit. */
    public List<byte[]> packetize(List<byte[]> nals) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < nals.size()) {
            int j = i;
            int size = 1;
            while (j < nals.size() && aggregatable(nals.get(j)) && size + 2 + nals.get(j).length <= maxPayload) {
                size += 2 + nals.get(j).length;
                j++;
            }
            if (j - i >= 2) {
                out.add(stapA(nals.subList(i, j), size));
                i = j;
                continue;
            }
            byte[] nal = nals.get(i++);
            if (nal.length <= maxPayload) {
                out.add(nal);
            } else {
                fuA(nal, out);
            }
        }
        return out;
    }

    private static boolean aggregatable(byte[] nal) {
        int t = nal[0] & 0x1F;
        return t == 6 || t == 7 || t == 8 || t == 9;
    }

    private static byte[] stapA(List<byte[]> nals, int size) {
        byte[] p = new byte[size];
        int nri = 0;
        for (byte[] n : nals) {
            nri = Math.max(nri, n[0] & 0x60);
        }
        p[0] = (byte) (nri | STAP_A); // F = 0, NRI = the highest of the aggregated units (§5.7)
        int at = 1;
        for (byte[] n : nals) {
            p[at] = (byte) (n.length >> 8);
            p[at + 1] = (byte) n.length;
            System.arraycopy(n, 0, p, at + 2, n.length);
            at += 2 + n.length;
        }
        return p;
    }

    private void fuA(byte[] nal, List<byte[]> out) {
        int header = nal[0] & 0xFF;
        int chunk = maxPayload - 2;
        int pos = 1; // the NAL header byte travels in the FU indicator and header
        while (pos < nal.length) {
            int n = Math.min(chunk, nal.length - pos);
            byte[] p = new byte[2 + n];
            p[0] = (byte) ((header & 0xE0) | FU_A);
            int fu = header & 0x1F;
            if (pos == 1) {
                fu |= 0x80;
            }
            if (pos + n == nal.length) {
                fu |= 0x40;
            }
            p[1] = (byte) fu;
            System.arraycopy(nal, pos, p, 2, n);
            out.add(p);
            pos += n;
        }
    }
}
