package dev.ingot.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an H264 Annex B byte stream (ITU-T H.264 Annex B: NAL units after 00 00 01 or 00 00 00 01 start
 * codes) into NAL units and groups them into access units (H.264 §7.4.1.2.3): a new access unit starts at an
 * access unit delimiter, SEI, SPS or PPS that follows a slice, or at a slice whose first_mb_in_slice is 0.
 */
public final class AnnexB {
    private AnnexB() {
    }

    /** One access unit: its NAL units without start codes, in stream order. */
    public record AccessUnit(List<byte[]> nals) {
        /** Whether it holds an IDR slice (NAL type 5). */
        public boolean idr() {
            return nals.stream().anyMatch(n -> (n[0] & 0x1F) == 5);
        }

        public int bytes() {
            return nals.stream().mapToInt(n -> n.length).sum();
        }
    }

    /** The NAL units of the stream, without start codes; empty units are skipped. */
    public static List<byte[]> nalUnits(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        int n = stream.length;
        while (i + 2 < n) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (start >= 0) {
                    add(out, stream, start, trimTrailingZeros(stream, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            add(out, stream, start, n);
        }
        return out;
    }

    private static int trimTrailingZeros(byte[] b, int start, int end) {
        while (end > start && b[end - 1] == 0) {
            end--; // the leading zero of a 4-byte start code, or trailing_zero_8bits
        }
        return end;
    }

    private static void add(List<byte[]> out, byte[] b, int from, int to) {
        if (to > from) {
            byte[] nal = new byte[to - from];
            System.arraycopy(b, from, nal, 0, nal.length);
            out.add(nal);
        }
    }

    /** Groups NAL units into access units. */
    public static List<AccessUnit> accessUnits(List<byte[]> nals) {
        List<AccessUnit> out = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        boolean sawSlice = false;
        for (byte[] nal : nals) {
            int type = nal[0] & 0x1F;
            boolean slice = type == 1 || type == 5;
            boolean startsNew;
            if (slice) {
                // first_mb_in_slice is ue(v); it is 0 exactly when the first bit after the header is 1
                startsNew = sawSlice && nal.length > 1 && (nal[1] & 0x80) != 0;
            } else {
                startsNew = sawSlice && (type == 9 || type == 6 || type == 7 || type == 8 || (type >= 14 && type <= 18));
            }
            if (startsNew) {
                out.add(new AccessUnit(List.copyOf(current)));
                current = new ArrayList<>();
                sawSlice = false;
            }
            current.add(nal);
            sawSlice |= slice;
        }
        if (!current.isEmpty() && sawSlice) {
            out.add(new AccessUnit(List.copyOf(current)));
        }
        return out;
    }
}
