package dev.ingot.rtc.dtls;

/**
 * Reads DTLS 1.0/1.2 record headers (RFC 6347 §4.1) and the handshake fragment headers inside plaintext
 * handshake records (§4.2.2): what the datagram link needs to put records in an order the engine can use. Offsets
 * are into the caller's array; nothing is copied or decrypted.
 */
final class DtlsRecords {
    static final int HEADER_LENGTH = 13;
    static final int HANDSHAKE_HEADER_LENGTH = 12;
    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;

    private DtlsRecords() {
    }

    /** Length of the whole record starting at {@code off} (header included), or -1 if it does not fit in {@code end}. */
    static int recordLength(byte[] b, int off, int end) {
        if (end - off < HEADER_LENGTH) {
            return -1;
        }
        int n = HEADER_LENGTH + (((b[off + 11] & 0xff) << 8) | (b[off + 12] & 0xff));
        return off + n <= end ? n : -1;
    }

    static int contentType(byte[] record) {
        return record[0] & 0xff;
    }

    static int epoch(byte[] record) {
        return ((record[3] & 0xff) << 8) | (record[4] & 0xff);
    }

    /** The 48-bit record sequence number. */
    static long sequenceNumber(byte[] record) {
        long s = 0;
        for (int i = 5; i < 11; i++) {
            s = (s << 8) | (record[i] & 0xff);
        }
        return s;
    }

    static int uint24(byte[] b, int off) {
        return ((b[off] & 0xff) << 16) | ((b[off + 1] & 0xff) << 8) | (b[off + 2] & 0xff);
    }

    static int uint16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
