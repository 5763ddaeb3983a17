package dev.ingot.rtc.dtls;

import java.util.Arrays;

/**
 * Which of the peer's plaintext handshake messages have arrived in full: per message sequence number (RFC 6347
 * §4.2.2), the message length and the byte ranges its fragments covered. {@link #noGap()} is true when every
 * message from the first one seen up to the highest one seen is complete — then nothing the peer sent before its
 * newest message is still missing. Bounded: at most {@value #MAX_MESSAGES} message numbers are tracked from the
 * first one seen (a DTLS 1.2 handshake has fewer than 16); fragments beyond that are ignored.
 */
final class HandshakeCoverage {
    static final int MAX_MESSAGES = 32;
    /** Ranges kept per message; a message cut into more pieces than this is only tracked by its outer bounds. */
    private static final int MAX_RANGES = 16;

    private int firstSeq = -1;
    private int highestSeq = -1;
    private final int[] length = new int[MAX_MESSAGES];
    private final int[] type = new int[MAX_MESSAGES];
    private final boolean[] seen = new boolean[MAX_MESSAGES];
    private final boolean[] complete = new boolean[MAX_MESSAGES];
    /** Covered byte ranges per message, as sorted, disjoint [start, end) pairs. */
    private final int[][] ranges = new int[MAX_MESSAGES][];
    private final int[] rangeCount = new int[MAX_MESSAGES];

    /** Accounts every handshake fragment in the plaintext record {@code record} (header included). */
    void addRecord(byte[] record) {
        int off = DtlsRecords.HEADER_LENGTH;
        while (record.length - off >= DtlsRecords.HANDSHAKE_HEADER_LENGTH) {
            int messageType = record[off] & 0xff;
            int messageLength = DtlsRecords.uint24(record, off + 1);
            int seq = DtlsRecords.uint16(record, off + 4);
            int fragmentOffset = DtlsRecords.uint24(record, off + 6);
            int fragmentLength = DtlsRecords.uint24(record, off + 9);
            int next = off + DtlsRecords.HANDSHAKE_HEADER_LENGTH + fragmentLength;
            if (next > record.length || fragmentOffset + fragmentLength > messageLength) {
                return;
            }
            addFragment(seq, messageType, messageLength, fragmentOffset, fragmentLength);
            off = next;
        }
    }

    void addFragment(int seq, int messageType, int messageLength, int fragmentOffset, int fragmentLength) {
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        int i = seq - firstSeq;
        if (i < 0 || i >= MAX_MESSAGES) {
            return;
        }
        highestSeq = Math.max(highestSeq, seq);
        if (!seen[i]) {
            seen[i] = true;
            length[i] = messageLength;
            type[i] = messageType;
            ranges[i] = new int[2 * MAX_RANGES];
        }
        if (complete[i] || length[i] != messageLength || type[i] != messageType) {
            return;
        }
        cover(i, fragmentOffset, fragmentOffset + fragmentLength);
        complete[i] = rangeCount[i] == 1 && ranges[i][0] == 0 && ranges[i][1] >= messageLength;
    }

    /** Adds [start, end) to message i's ranges, merging overlapping and touching ones. */
    private void cover(int i, int start, int end) {
        int[] r = ranges[i];
        int n = rangeCount[i];
        int[] merged = new int[2 * (n + 1)];
        int m = 0;
        boolean placed = false;
        for (int k = 0; k < n; k++) {
            int s = r[2 * k];
            int e = r[2 * k + 1];
            if (e < start) {
                merged[m++] = s;
                merged[m++] = e;
            } else if (s > end) {
                if (!placed) {
                    merged[m++] = start;
                    merged[m++] = end;
                    placed = true;
                }
                merged[m++] = s;
                merged[m++] = e;
            } else {
                start = Math.min(start, s);
                end = Math.max(end, e);
            }
        }
        if (!placed) {
            merged[m++] = start;
            merged[m++] = end;
        }
        if (m / 2 > MAX_RANGES) {
            // pathological fragmentation: keep the outer bounds only
            merged = new int[] {merged[0], merged[m - 1]};
            m = 2;
        }
        System.arraycopy(merged, 0, r, 0, m);
        Arrays.fill(r, m, r.length, 0);
        rangeCount[i] = m / 2;
    }

    /** True when every message from the first to the highest one seen has arrived in full (also when none has). */
    boolean noGap() {
        if (firstSeq < 0) {
            return true;
        }
        for (int i = 0; i <= highestSeq - firstSeq; i++) {
            if (!complete[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when a message of handshake type {@code messageType} has arrived in full. */
    boolean hasComplete(int messageType) {
        for (int i = 0; firstSeq >= 0 && i <= highestSeq - firstSeq; i++) {
            if (complete[i] && type[i] == messageType) {
                return true;
            }
        }
        return false;
    }

    /** True when message {@code seq} was seen and is complete. */
    boolean isComplete(int seq) {
        int i = seq - firstSeq;
        return firstSeq >= 0 && i >= 0 && i < MAX_MESSAGES && complete[i];
    }
}
