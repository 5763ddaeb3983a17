package dev.ingot.media.payload;

/**
 * Assembles AV1 RTP payloads (AOM "RTP Payload Format for AV1" v1.0, §4) into temporal units in the low-overhead
 * bitstream format of the AV1 specification (§5): a temporal delimiter OBU, then every OBU of the temporal unit
 * with {@code obu_has_size_field} set and its size written, which is what libaom and dav1d take.
 *
 * <p>Each payload starts with the aggregation header (Z: the first OBU element continues a fragment from the
 * previous packet; Y: the last one continues in the next packet; W: the number of elements, the last of which
 * then has no length field, or 0 for a length field before every element; N: first packet of a coded video
 * sequence). OBU elements with and without their own {@code obu_size} are taken. Temporal delimiter, tile list
 * and padding OBUs are dropped (§5: a sender should not send them). A fragment whose start is missing breaks the
 * temporal unit, which is then dropped; the marker bit ends it.
 *
 * <p>A keyframe is a temporal unit whose first frame header says {@code KEY_FRAME} (not a shown existing frame)
 * and whose sequence header is known: in the unit itself or seen earlier, in which case it is inserted after
 * the temporal delimiter so that a decoder can start there.
 */
public final class Av1Depacketizer extends VideoDepacketizer {
    static final int OBU_SEQUENCE_HEADER = 1;
    static final int OBU_TEMPORAL_DELIMITER = 2;
    static final int OBU_FRAME_HEADER = 3;
    static final int OBU_FRAME = 6;
    static final int OBU_TILE_LIST = 8;
    static final int OBU_PADDING = 15;
    private static final int MAX_SEQUENCE_HEADER_BYTES = 1024;

    /** The OBU being reassembled from fragments (header, extension and payload as received). */
    private final FrameBuffer fragment;
    /** The latest sequence header OBU as written to a frame (with its size field), or null. */
    private byte[] sequenceHeader;
    private boolean reducedStillPictureHeader;

    // per temporal unit
    private boolean fragmentOpen;
    private boolean started;
    private boolean sawSequenceHeader;
    private boolean judged;
    private boolean keyFrameHeader;

    public Av1Depacketizer() {
        this(MAX_FRAME_BYTES);
    }

    Av1Depacketizer(int maxFrameBytes) {
        super(maxFrameBytes);
        this.fragment = new FrameBuffer(maxFrameBytes);
    }

    @Override
    void beginFrame() {
        fragmentOpen = false;
        fragment.reset();
        started = false;
        sawSequenceHeader = false;
        judged = false;
        keyFrameHeader = false;
    }

    @Override
    void depacketize(RtpMedia p) {
        if (isBroken()) {
            return;
        }
        byte[] b = p.payload();
        int off = p.payloadOffset();
        int end = off + p.payloadLength();
        int aggregation = b[off] & 0xFF;
        boolean continues = (aggregation & 0x80) != 0; // Z
        boolean continuesNext = (aggregation & 0x40) != 0; // Y
        int count = (aggregation >> 4) & 0x03; // W
        int i = off + 1;
        if (continues && !fragmentOpen) {
            breakFrame(); // the fragment's start was not received
            return;
        }
        if (!continues && fragmentOpen) {
            malformed(); // the previous packet said its last OBU goes on
            return;
        }
        if (i == end) {
            malformed();
            return;
        }
        for (int element = 1; i < end; element++) {
            int length;
            if (count == 0 || element < count) {
                long v = readLeb128(b, i, end);
                if (v < 0) {
                    malformed();
                    return;
                }
                i += leb128Size(b, i, end);
                length = (int) Math.min(v, Integer.MAX_VALUE);
            } else {
                length = end - i; // the last of W elements runs to the end of the payload
            }
            if (length == 0 || length > end - i || (count != 0 && element > count)) {
                malformed();
                return;
            }
            boolean first = element == 1;
            boolean last = i + length == end;
            if (first && continues) {
                if (!fragment.append(b, i, length)) {
                    breakFrame();
                    return;
                }
            } else if (last && continuesNext) {
                fragment.reset();
                if (!fragment.append(b, i, length)) {
                    breakFrame();
                    return;
                }
            }
            if (last && continuesNext) {
                fragmentOpen = true;
            } else if (first && continues) {
                fragmentOpen = false;
                if (!putObu(fragment.array(), 0, fragment.length())) {
                    return;
                }
                fragment.reset();
            } else if (!putObu(b, i, length)) {
                return;
            }
            i += length;
        }
    }

    /** Writes one whole OBU to the frame with its size field; false (frame broken) when it is malformed. */
    private boolean putObu(byte[] b, int off, int len) {
        int header = b[off] & 0xFF;
        int type = (header >> 3) & 0x0F;
        boolean extension = (header & 0x04) != 0;
        boolean hasSize = (header & 0x02) != 0;
        int headerLength = extension ? 2 : 1;
        if ((header & 0x80) != 0 || len < headerLength) {
            malformed(); // obu_forbidden_bit, or no room for the extension header
            return false;
        }
        int payload = off + headerLength;
        int payloadLength = len - headerLength;
        if (hasSize) {
            long size = readLeb128(b, payload, off + len);
            if (size < 0 || size > off + len - payload - leb128Size(b, payload, off + len)) {
                malformed();
                return false;
            }
            payload += leb128Size(b, payload, off + len);
            payloadLength = (int) size;
        }
        if (type == OBU_TEMPORAL_DELIMITER || type == OBU_TILE_LIST || type == OBU_PADDING) {
            return true;
        }
        if (!started) {
            started = true;
            if (!put(OBU_TEMPORAL_DELIMITER << 3 | 0x02) || !put(0)) {
                return false;
            }
        }
        int start = frame.length();
        if (!put(header | 0x02) || (extension && !put(b[off + 1] & 0xFF)) || !putLeb128(payloadLength)
                || !put(b, payload, payloadLength)) {
            return false;
        }
        if (type == OBU_SEQUENCE_HEADER) {
            sawSequenceHeader = true;
            if (payloadLength > 0 && frame.length() - start <= MAX_SEQUENCE_HEADER_BYTES) {
                sequenceHeader = frame.copy(start, frame.length());
                // seq_profile f(3), still_picture f(1), reduced_still_picture_header f(1) (AV1 §5.5.1)
                reducedStillPictureHeader = (b[payload] & 0x08) != 0;
            }
        } else if ((type == OBU_FRAME_HEADER || type == OBU_FRAME) && !judged && payloadLength > 0) {
            judged = true;
            // uncompressed_header (AV1 §5.9.2): show_existing_frame f(1), then frame_type f(2); KEY_FRAME is 0
            int first = b[payload] & 0xFF;
            keyFrameHeader = reducedStillPictureHeader || ((first & 0x80) == 0 && ((first >> 5) & 0x03) == 0);
        }
        return true;
    }

    private boolean putLeb128(int value) {
        int v = value;
        do {
            int next = v >>> 7;
            if (!put((v & 0x7F) | (next != 0 ? 0x80 : 0))) {
                return false;
            }
            v = next;
        } while (v != 0);
        return true;
    }

    /** An unsigned LEB128 (AV1 §4.10.5) of at most 8 bytes and below 2^31 starting at {@code i}, or -1. */
    static long readLeb128(byte[] b, int i, int end) {
        long value = 0;
        for (int n = 0; n < 8; n++) {
            if (i + n >= end) {
                return -1;
            }
            int byteValue = b[i + n] & 0xFF;
            value |= (long) (byteValue & 0x7F) << (7 * n);
            if ((byteValue & 0x80) == 0) {
                return value <= Integer.MAX_VALUE ? value : -1;
            }
        }
        return -1;
    }

    /** The number of bytes of the LEB128 at {@code i} (call after {@link #readLeb128} succeeded). */
    private static int leb128Size(byte[] b, int i, int end) {
        int n = 1;
        while (i + n - 1 < end && (b[i + n - 1] & 0x80) != 0) {
            n++;
        }
        return n;
    }

    @Override
    boolean completeFrame() {
        return !fragmentOpen;
    }

    @Override
    boolean isKeyframe() {
        return keyFrameHeader && (sawSequenceHeader || sequenceHeader != null);
    }

    @Override
    byte[] output() {
        int length = frame.length();
        if (!keyFrameHeader || sawSequenceHeader) {
            return frame.copy(0, length);
        }
        // after the 2-byte temporal delimiter, the sequence header seen earlier
        byte[] data = new byte[length + sequenceHeader.length];
        System.arraycopy(frame.array(), 0, data, 0, 2);
        System.arraycopy(sequenceHeader, 0, data, 2, sequenceHeader.length);
        System.arraycopy(frame.array(), 2, data, 2 + sequenceHeader.length, length - 2);
        return data;
    }

    @Override
    void resetCodec() {
        fragmentOpen = false;
        fragment.reset();
        sequenceHeader = null;
        reducedStillPictureHeader = false;
    }
}
