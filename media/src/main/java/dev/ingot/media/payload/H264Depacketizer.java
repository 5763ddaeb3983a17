package dev.ingot.media.payload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles H264 RTP payloads (RFC 6184) into access units in Annex B form (each NAL unit after a
 * 00 00 00 01 start code), one per RTP timestamp.
 *
 * <p>Accepts single NAL unit packets, STAP-A (§5.7.1) and FU-A (§5.8), which covers packetization-mode 0 and
 * 1; it is lenient and takes STAP-A/FU-A under mode 0 too. STAP-B, MTAP16, MTAP24 and FU-B (mode 2, which
 * needs decoding-order reordering) are rejected as malformed, and NAL types 0, 30 and 31 are ignored
 * (§5.4). A FU-A whose start or any fragment is missing breaks its access unit, which is then dropped.
 *
 * <p>A keyframe is an access unit holding an IDR slice (NAL type 5) whose SPS and PPS are known: in the
 * access unit itself, seen earlier in band, or given by {@code sprop-parameter-sets}. When an IDR access unit
 * lacks them, the known SPS and PPS are inserted in front of it (after a leading access unit delimiter), so a
 * decoder that missed them (out of band, or in a dropped frame) can start there. AUD, SEI and all other NAL
 * types are passed through. Streams that never send IDR (intra refresh only) are not supported.
 */
public final class H264Depacketizer extends VideoDepacketizer {
    private static final int NAL_IDR = 5;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final int NAL_AUD = 9;
    private static final int STAP_A = 24;
    private static final int FU_A = 28;
    /** Parameter sets larger than this are not remembered (real ones are tens of bytes). */
    private static final int MAX_PARAMETER_SET_BYTES = 4096;

    private final List<byte[]> outOfBandParameterSets;
    /** Latest SPS by seq_parameter_set_id (0..31) and PPS by pic_parameter_set_id (0..255), NAL without start code. */
    private final byte[][] sps = new byte[32][];
    private final byte[][] pps = new byte[256][];

    // per access unit
    private boolean fuOpen;
    private int fuType;
    private int fuNalStart;
    private boolean sawIdr;
    private boolean sawSps;
    private boolean sawPps;
    private int nalCount;
    private int leadingAudEnd;

    /** A depacketizer with no out-of-band parameter sets. */
    public H264Depacketizer() {
        this(List.of(), MAX_FRAME_BYTES);
    }

    /**
     * A depacketizer that knows the given parameter sets (NAL units without start codes, e.g. decoded
     * {@code sprop-parameter-sets}) before any arrive in band; entries that are not SPS or PPS are ignored.
     */
    public H264Depacketizer(List<byte[]> parameterSets) {
        this(parameterSets, MAX_FRAME_BYTES);
    }

    H264Depacketizer(List<byte[]> parameterSets, int maxFrameBytes) {
        super(maxFrameBytes);
        List<byte[]> copy = new ArrayList<>();
        for (byte[] nal : parameterSets) {
            copy.add(nal.clone());
        }
        this.outOfBandParameterSets = List.copyOf(copy);
        learnOutOfBand();
    }

    /**
     * A depacketizer configured from an H264 fmtp line ({@code profile-level-id=...;packetization-mode=1;
     * sprop-parameter-sets=Z0IAH...,aM4G4g==}); null or a line without parameter sets is fine. Parameter sets
     * that are not valid base64 are skipped.
     */
    public static H264Depacketizer fromFmtp(String fmtp) {
        return new H264Depacketizer(spropParameterSets(fmtp));
    }

    /** The NAL units of an fmtp line's {@code sprop-parameter-sets} (RFC 6184 §8.1), decoded from base64. */
    public static List<byte[]> spropParameterSets(String fmtp) {
        if (fmtp == null) {
            return new ArrayList<>();
        }
        return dev.ingot.rtc.sdp.Fmtp.of(96, fmtp).parameter("sprop-parameter-sets")
                .map(dev.ingot.rtc.sdp.Fmtp::base64List).orElseGet(ArrayList::new);
    }

    @Override
    void beginFrame() {
        fuOpen = false;
        sawIdr = false;
        sawSps = false;
        sawPps = false;
        nalCount = 0;
        leadingAudEnd = 0;
    }

    @Override
    void depacketize(RtpMedia p) {
        if (isBroken()) {
            return;
        }
        byte[] b = p.payload();
        int off = p.payloadOffset();
        int len = p.payloadLength();
        int type = b[off] & 0x1F;
        if (type >= 1 && type <= 23) {
            if (fuOpen) {
                malformed(); // a FU-A that never ended
                return;
            }
            putNal(b, off, len);
        } else if (type == STAP_A) {
            stapA(b, off, len);
        } else if (type == FU_A) {
            fuA(b, off, len);
        } else if (type == 0 || type >= 30) {
            // undefined types: a receiver ignores them (RFC 6184 §5.4)
        } else {
            malformed(); // STAP-B 25, MTAP16 26, MTAP24 27, FU-B 29: interleaved mode, not supported
        }
    }

    private void stapA(byte[] b, int off, int len) {
        if (fuOpen) {
            malformed();
            return;
        }
        int end = off + len;
        int i = off + 1;
        if (i == end) {
            malformed();
            return;
        }
        while (i < end) {
            if (end - i < 2) {
                malformed();
                return;
            }
            int size = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            i += 2;
            if (size == 0 || size > end - i) {
                malformed();
                return;
            }
            int t = b[i] & 0x1F;
            if (t == 0 || t >= 24) {
                malformed(); // aggregation inside aggregation, or an undefined type
                return;
            }
            if (!putNal(b, i, size)) {
                return;
            }
            i += size;
        }
    }

    private void fuA(byte[] b, int off, int len) {
        if (len < 2) {
            malformed();
            return;
        }
        int indicator = b[off] & 0xFF;
        int header = b[off + 1] & 0xFF;
        boolean start = (header & 0x80) != 0;
        boolean end = (header & 0x40) != 0;
        int type = header & 0x1F;
        if (type == 0 || type >= 24) {
            malformed();
            return;
        }
        if (start) {
            if (fuOpen) {
                malformed(); // the previous FU-A never ended
                return;
            }
            if (!putStartCode()) {
                return;
            }
            fuNalStart = frame.length();
            if (!put((indicator & 0xE0) | type) || !put(b, off + 2, len - 2)) {
                return;
            }
            fuType = type;
            fuOpen = true;
        } else {
            if (!fuOpen) {
                breakFrame(); // its start was not received
                return;
            }
            if (type != fuType) {
                malformed();
                return;
            }
            if (!put(b, off + 2, len - 2)) {
                return;
            }
        }
        if (end) {
            fuOpen = false;
            nalDone(fuType, fuNalStart, frame.length());
        }
    }

    private boolean putNal(byte[] b, int off, int len) {
        if (!putStartCode()) {
            return false;
        }
        int start = frame.length();
        if (!put(b, off, len)) {
            return false;
        }
        nalDone(b[off] & 0x1F, start, frame.length());
        return true;
    }

    /** A whole NAL unit now lies in the frame at [start, end). */
    private void nalDone(int type, int start, int end) {
        switch (type) {
            case NAL_IDR -> sawIdr = true;
            case NAL_SPS -> {
                sawSps = true;
                remember(frame.array(), start, end - start);
            }
            case NAL_PPS -> {
                sawPps = true;
                remember(frame.array(), start, end - start);
            }
            case NAL_AUD -> {
                if (nalCount == 0) {
                    leadingAudEnd = end;
                }
            }
            default -> { }
        }
        nalCount++;
    }

    @Override
    boolean completeFrame() {
        return !fuOpen;
    }

    @Override
    boolean isKeyframe() {
        return sawIdr && (sawSps || ParameterSets.anyKnown(sps)) && (sawPps || ParameterSets.anyKnown(pps));
    }

    @Override
    byte[] output() {
        if (!sawIdr || (sawSps && sawPps)) {
            return frame.copy(0, frame.length());
        }
        return ParameterSets.insertAfter(frame, leadingAudEnd, sps, pps);
    }

    @Override
    void resetCodec() {
        fuOpen = false;
        Arrays.fill(sps, null);
        Arrays.fill(pps, null);
        learnOutOfBand();
    }

    private void learnOutOfBand() {
        for (byte[] nal : outOfBandParameterSets) {
            remember(nal, 0, nal.length);
        }
    }

    /** Stores an SPS or PPS under its id; anything else, too large, or with an unreadable id is ignored. */
    private void remember(byte[] b, int off, int len) {
        if (len < 2 || len > MAX_PARAMETER_SET_BYTES) {
            return;
        }
        BitReader r = new BitReader(b, off + 1, len - 1, true);
        int type = b[off] & 0x1F;
        if (type == NAL_SPS) {
            r.skip(24); // profile_idc, constraint flags, level_idc, then seq_parameter_set_id (H.264 §7.3.2.1.1)
            ParameterSets.store(sps, r.ue(), r, b, off, len);
        } else if (type == NAL_PPS) {
            ParameterSets.store(pps, r.ue(), r, b, off, len); // pic_parameter_set_id first (§7.3.2.2)
        }
    }
}
