package dev.ingot.media.payload;

import dev.ingot.rtc.sdp.Fmtp;
import dev.ingot.rtc.sdp.H265Format;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles H.265 RTP payloads (RFC 7798) into access units in Annex B form (each NAL unit after a 00 00 00 01
 * start code), one per RTP timestamp.
 *
 * <p>Takes single NAL unit packets (§4.4.1), aggregation packets (AP, type 48, §4.4.2) and fragmentation units
 * (FU, type 49, §4.4.3). When the SDP signals DONL fields ({@code sprop-max-don-diff} or
 * {@code sprop-depack-buf-nalus} greater than 0) they are read and skipped: NAL units are passed on in the order
 * they arrive, which is decoding order for every sender that does not interleave. PACI packets (type 50) are
 * rejected as malformed; types 51-63 are ignored (§4.4). A FU whose start or any fragment is missing breaks its
 * access unit, which is then dropped.
 *
 * <p>A keyframe is an access unit holding an IRAP picture (BLA, IDR or CRA: NAL types 16-21) whose VPS, SPS and
 * PPS are known: in the access unit, seen earlier in band, or given by {@code sprop-vps/sps/pps}. When an IRAP
 * access unit lacks them, the known ones are inserted in front of it (after a leading access unit delimiter),
 * so a decoder that missed them can start there.
 */
public final class H265Depacketizer extends VideoDepacketizer {
    private static final int IRAP_FIRST = 16;
    private static final int IRAP_LAST = 21;
    private static final int NAL_VPS = 32;
    private static final int NAL_SPS = 33;
    private static final int NAL_PPS = 34;
    private static final int NAL_AUD = 35;
    private static final int AP = 48;
    private static final int FU = 49;
    private static final int PACI = 50;
    private static final int MAX_PARAMETER_SET_BYTES = 4096;

    private final boolean donl;
    private final List<byte[]> outOfBandParameterSets;
    /** Latest parameter sets by id (VPS 0..15, SPS 0..15, PPS 0..63), NAL units without start code. */
    private final byte[][] vps = new byte[16][];
    private final byte[][] sps = new byte[16][];
    private final byte[][] pps = new byte[64][];

    // per access unit
    private boolean fuOpen;
    private int fuType;
    private int fuNalStart;
    private boolean sawIrap;
    private boolean sawVps;
    private boolean sawSps;
    private boolean sawPps;
    private int nalCount;
    private int leadingAudEnd;

    /** A depacketizer without DONL fields and no out-of-band parameter sets. */
    public H265Depacketizer() {
        this(false, List.of(), MAX_FRAME_BYTES);
    }

    /**
     * @param donl whether every payload carries DONL (and APs DOND) fields, per the SDP
     * @param parameterSets VPS, SPS and PPS NAL units known before any arrive in band (e.g. decoded
     *     {@code sprop-vps/sps/pps}); other NAL types are ignored
     */
    public H265Depacketizer(boolean donl, List<byte[]> parameterSets) {
        this(donl, parameterSets, MAX_FRAME_BYTES);
    }

    H265Depacketizer(boolean donl, List<byte[]> parameterSets, int maxFrameBytes) {
        super(maxFrameBytes);
        this.donl = donl;
        List<byte[]> copy = new ArrayList<>();
        for (byte[] nal : parameterSets) {
            copy.add(nal.clone());
        }
        this.outOfBandParameterSets = List.copyOf(copy);
        learnOutOfBand();
    }

    /** A depacketizer configured from an H.265 fmtp line (parameter sets, DONL); null or empty is fine. */
    public static H265Depacketizer fromFmtp(String fmtp) {
        Fmtp f = Fmtp.of(96, fmtp == null ? "" : fmtp);
        return new H265Depacketizer(H265Format.of(f).donlPresent(), H265Format.parameterSets(f.parameterMap()));
    }

    private static int nalType(byte[] b, int off) {
        return (b[off] >> 1) & 0x3F;
    }

    @Override
    void beginFrame() {
        fuOpen = false;
        sawIrap = false;
        sawVps = false;
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
        if (len < 2 || (b[off] & 0x80) != 0) {
            malformed(); // shorter than the payload header, or forbidden_zero_bit set
            return;
        }
        int type = nalType(b, off);
        if (type < AP) {
            if (fuOpen) {
                malformed(); // a FU that never ended
                return;
            }
            if (!donl) {
                putNal(b, off, len);
                return;
            }
            if (len < 5) {
                malformed();
                return;
            }
            // the NAL unit is the payload header followed by what comes after the 2-byte DONL
            if (putStartCode()) {
                int start = frame.length();
                if (put(b, off, 2) && put(b, off + 4, len - 4)) {
                    nalDone(type, start, frame.length());
                }
            }
        } else if (type == AP) {
            aggregation(b, off, len);
        } else if (type == FU) {
            fragment(b, off, len);
        } else if (type == PACI) {
            malformed();
        }
        // 51..63: unspecified, ignored (RFC 7798 §4.4)
    }

    private void aggregation(byte[] b, int off, int len) {
        if (fuOpen) {
            malformed();
            return;
        }
        int end = off + len;
        int i = off + 2;
        boolean first = true;
        int units = 0;
        while (i < end) {
            if (donl) {
                i += first ? 2 : 1; // DONL before the first unit, DOND before the others
            }
            first = false;
            if (end - i < 2) {
                malformed();
                return;
            }
            int size = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            i += 2;
            if (size < 2 || size > end - i || (b[i] & 0x80) != 0) {
                malformed();
                return;
            }
            int t = nalType(b, i);
            if (t >= AP) {
                malformed(); // aggregation or fragmentation inside an aggregation packet
                return;
            }
            if (!putNal(b, i, size)) {
                return;
            }
            i += size;
            units++;
        }
        if (units < 2) {
            malformed(); // §4.4.2: an AP carries at least two aggregation units
        }
    }

    private void fragment(byte[] b, int off, int len) {
        int headerEnd = off + 3;
        if (len < 4) {
            malformed();
            return;
        }
        int fuHeader = b[off + 2] & 0xFF;
        boolean start = (fuHeader & 0x80) != 0;
        boolean end = (fuHeader & 0x40) != 0;
        int type = fuHeader & 0x3F;
        if (type >= AP || (start && end)) {
            malformed(); // §4.4.3: S and E never both set; FUs carry no AP/FU/PACI
            return;
        }
        int dataStart = headerEnd + (start && donl ? 2 : 0);
        if (dataStart >= off + len) {
            malformed();
            return;
        }
        if (start) {
            if (fuOpen) {
                malformed(); // the previous FU never ended
                return;
            }
            if (!putStartCode()) {
                return;
            }
            fuNalStart = frame.length();
            // the NAL unit header: the payload header with the type replaced by FuType
            if (!put((b[off] & 0x81) | (type << 1)) || !put(b[off + 1] & 0xFF)
                    || !put(b, dataStart, off + len - dataStart)) {
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
            if (!put(b, dataStart, off + len - dataStart)) {
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
        nalDone(nalType(b, off), start, frame.length());
        return true;
    }

    /** A whole NAL unit now lies in the frame at [start, end). */
    private void nalDone(int type, int start, int end) {
        if (type >= IRAP_FIRST && type <= IRAP_LAST) {
            sawIrap = true;
        }
        switch (type) {
            case NAL_VPS -> sawVps = true;
            case NAL_SPS -> sawSps = true;
            case NAL_PPS -> sawPps = true;
            case NAL_AUD -> {
                if (nalCount == 0) {
                    leadingAudEnd = end;
                }
            }
            default -> { }
        }
        if (type == NAL_VPS || type == NAL_SPS || type == NAL_PPS) {
            remember(frame.array(), start, end - start);
        }
        nalCount++;
    }

    @Override
    boolean completeFrame() {
        return !fuOpen;
    }

    @Override
    boolean isKeyframe() {
        return sawIrap && (sawVps || ParameterSets.anyKnown(vps)) && (sawSps || ParameterSets.anyKnown(sps))
                && (sawPps || ParameterSets.anyKnown(pps));
    }

    @Override
    byte[] output() {
        if (!sawIrap || (sawVps && sawSps && sawPps)) {
            return frame.copy(0, frame.length());
        }
        return ParameterSets.insertAfter(frame, leadingAudEnd, vps, sps, pps);
    }

    @Override
    void resetCodec() {
        fuOpen = false;
        Arrays.fill(vps, null);
        Arrays.fill(sps, null);
        Arrays.fill(pps, null);
        learnOutOfBand();
    }

    private void learnOutOfBand() {
        for (byte[] nal : outOfBandParameterSets) {
            if (nal.length >= 2) {
                remember(nal, 0, nal.length);
            }
        }
    }

    /** Stores a VPS, SPS or PPS under its id; anything else, too large, or with an unreadable id is ignored. */
    private void remember(byte[] b, int off, int len) {
        if (len < 3 || len > MAX_PARAMETER_SET_BYTES) {
            return;
        }
        BitReader r = new BitReader(b, off + 2, len - 2, true);
        switch (nalType(b, off)) {
            case NAL_VPS -> ParameterSets.store(vps, r.bits(4), r, b, off, len); // vps_video_parameter_set_id u(4)
            case NAL_SPS -> ParameterSets.store(sps, spsId(r), r, b, off, len);
            case NAL_PPS -> ParameterSets.store(pps, r.ue(), r, b, off, len); // pps_pic_parameter_set_id ue(v)
            default -> { }
        }
    }

    /** sps_seq_parameter_set_id, after the VPS id, sub-layer count and profile_tier_level (H.265 §7.3.2.2, §7.3.3). */
    private static int spsId(BitReader r) {
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        r.skip(1); // sps_temporal_id_nesting_flag
        r.skip(96); // general profile (88 bits) and general_level_idc
        boolean[] profilePresent = new boolean[8];
        boolean[] levelPresent = new boolean[8];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.bit() == 1;
            levelPresent[i] = r.bit() == 1;
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
        return r.ue();
    }
}
