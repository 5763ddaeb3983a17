package dev.ingot.rtc.rtcp;

import dev.ingot.rtc.rtcp.FullIntraRequest.FirEntry;
import dev.ingot.rtc.rtcp.SourceDescription.Chunk;
import dev.ingot.rtc.rtcp.SourceDescription.Item;
import dev.ingot.rtc.rtcp.TransportCcFeedback.PacketStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes {@link RtcpPacket}s (all but {@link Unknown}) into a caller's buffer, one after the other,
 * forming a compound packet (RFC 3550 §6.1). Every packet comes out a whole number of 32-bit words:
 * SDES chunks end in 1..4 null octets (§6.5), a BYE reason is zero-filled (§6.6), and transport-cc
 * feedback, whose deltas rarely end on a word boundary, is padded as libwebrtc pads it: P bit set,
 * zeros, and the padding count in the last byte.
 *
 * <p>Which packets make a valid compound (RFC 3550 wants an SR/RR first and an SDES CNAME;
 * RFC 5506 allows a lone feedback message) is the caller's choice. Stateless and thread-safe.
 */
public final class RtcpWriter {

    /** Largest packet the 16-bit length field describes. */
    private static final int MAX_PACKET_LENGTH = 4 * 0x10000;

    private RtcpWriter() {
    }

    /**
     * Writes {@code packets} at {@code buf[off]}.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException when the buffer is too small (nothing is written then), a packet
     *     is {@link Unknown}, or a packet cannot be encoded (text over 255 bytes, too large)
     */
    public static int write(List<? extends RtcpPacket> packets, byte[] buf, int off) {
        int total = encodedLength(packets);
        if (off < 0 || total > buf.length - off) {
            throw new IllegalArgumentException("buffer too small: need " + total + " bytes at offset " + off);
        }
        int p = off;
        for (RtcpPacket packet : packets) {
            p = writeOne(packet, buf, p);
        }
        return p - off;
    }

    /** Writes one packet; see {@link #write(List, byte[], int)}. */
    public static int write(RtcpPacket packet, byte[] buf, int off) {
        return write(List.of(packet), buf, off);
    }

    /** Writes {@code packets} into a new array of exactly the right size. */
    public static byte[] toBytes(List<? extends RtcpPacket> packets) {
        byte[] out = new byte[encodedLength(packets)];
        write(packets, out, 0);
        return out;
    }

    /** Writes one packet into a new array of exactly the right size. */
    public static byte[] toBytes(RtcpPacket packet) {
        return toBytes(List.of(packet));
    }

    /** Bytes {@link #write} needs for {@code packets}. */
    public static int encodedLength(List<? extends RtcpPacket> packets) {
        long total = 0;
        for (RtcpPacket p : packets) {
            total += encodedLength(p);
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("compound packet too large");
        }
        return (int) total;
    }

    /** Bytes {@link #write} needs for {@code packet}. */
    public static int encodedLength(RtcpPacket packet) {
        int n = switch (packet) {
            case SenderReport sr -> 28 + 24 * sr.reports().size();
            case ReceiverReport rr -> 8 + 24 * rr.reports().size();
            case SourceDescription sdes -> {
                int len = 4;
                for (Chunk c : sdes.chunks()) {
                    len += chunkLength(c);
                }
                yield len;
            }
            case Bye bye -> {
                int len = 4 + 4 * bye.ssrcs().size();
                int reason = utf8Length(bye.reason(), "BYE reason");
                yield reason == 0 ? len : len + ((1 + reason + 3) & ~3);
            }
            case GenericNack nack -> 12 + 4 * nackEntryCount(nack.lostSequenceNumbers());
            case PictureLossIndication pli -> 12;
            case FullIntraRequest fir -> 12 + 8 * fir.entries().size();
            case ReceiverEstimatedMaxBitrate remb -> 20 + 4 * remb.ssrcs().size();
            case TransportCcFeedback tcc -> (transportCcUnpaddedLength(tcc, encodeChunks(tcc.packets())) + 3) & ~3;
            case Unknown u -> throw new IllegalArgumentException("cannot write an Unknown RTCP packet (type "
                    + u.packetType() + ")");
        };
        if (n > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException(packet.getClass().getSimpleName() + " of " + n
                    + " bytes exceeds the RTCP length field");
        }
        return n;
    }

    private static int writeOne(RtcpPacket packet, byte[] b, int p) {
        int start = p;
        int length = encodedLength(packet);
        switch (packet) {
            case SenderReport sr -> {
                p = header(b, p, false, sr.reports().size(), RtcpPacket.TYPE_SR, length);
                p = u32(b, p, sr.ssrc());
                p = u32(b, p, sr.ntpTimestamp() >>> 32);
                p = u32(b, p, sr.ntpTimestamp() & 0xFFFF_FFFFL);
                p = u32(b, p, sr.rtpTimestamp());
                p = u32(b, p, sr.packetCount());
                p = u32(b, p, sr.octetCount());
                p = reportBlocks(b, p, sr.reports());
            }
            case ReceiverReport rr -> {
                p = header(b, p, false, rr.reports().size(), RtcpPacket.TYPE_RR, length);
                p = u32(b, p, rr.ssrc());
                p = reportBlocks(b, p, rr.reports());
            }
            case SourceDescription sdes -> {
                p = header(b, p, false, sdes.chunks().size(), RtcpPacket.TYPE_SDES, length);
                for (Chunk c : sdes.chunks()) {
                    int chunkStart = p;
                    p = u32(b, p, c.ssrc());
                    for (Item item : c.items()) {
                        byte[] text = item.text().getBytes(StandardCharsets.UTF_8);
                        b[p++] = (byte) item.type();
                        b[p++] = (byte) text.length;
                        System.arraycopy(text, 0, b, p, text.length);
                        p += text.length;
                    }
                    int chunkEnd = chunkStart + chunkLength(c);
                    while (p < chunkEnd) { // the null item plus padding to the word boundary
                        b[p++] = 0;
                    }
                }
            }
            case Bye bye -> {
                p = header(b, p, false, bye.ssrcs().size(), RtcpPacket.TYPE_BYE, length);
                for (long ssrc : bye.ssrcs()) {
                    p = u32(b, p, ssrc);
                }
                if (!bye.reason().isEmpty()) {
                    byte[] text = bye.reason().getBytes(StandardCharsets.UTF_8);
                    b[p++] = (byte) text.length;
                    System.arraycopy(text, 0, b, p, text.length);
                    p += text.length;
                    while (((p - start) & 3) != 0) {
                        b[p++] = 0;
                    }
                }
            }
            case GenericNack nack -> {
                p = header(b, p, false, RtcpPacket.FMT_NACK, RtcpPacket.TYPE_RTPFB, length);
                p = u32(b, p, nack.senderSsrc());
                p = u32(b, p, nack.mediaSsrc());
                p = nackEntries(b, p, nack.lostSequenceNumbers());
            }
            case PictureLossIndication pli -> {
                p = header(b, p, false, RtcpPacket.FMT_PLI, RtcpPacket.TYPE_PSFB, length);
                p = u32(b, p, pli.senderSsrc());
                p = u32(b, p, pli.mediaSsrc());
            }
            case FullIntraRequest fir -> {
                p = header(b, p, false, RtcpPacket.FMT_FIR, RtcpPacket.TYPE_PSFB, length);
                p = u32(b, p, fir.senderSsrc());
                p = u32(b, p, 0);
                for (FirEntry e : fir.entries()) {
                    p = u32(b, p, e.ssrc());
                    p = u32(b, p, (long) e.sequenceNumber() << 24);
                }
            }
            case ReceiverEstimatedMaxBitrate remb -> {
                p = header(b, p, false, RtcpPacket.FMT_AFB, RtcpPacket.TYPE_PSFB, length);
                p = u32(b, p, remb.senderSsrc());
                p = u32(b, p, 0);
                b[p++] = 'R';
                b[p++] = 'E';
                b[p++] = 'M';
                b[p++] = 'B';
                int field = ReceiverEstimatedMaxBitrate.encodeBitrate(remb.bitrateBps());
                p = u32(b, p, ((long) remb.ssrcs().size() << 24) | field);
                for (long ssrc : remb.ssrcs()) {
                    p = u32(b, p, ssrc);
                }
            }
            case TransportCcFeedback tcc -> p = writeTransportCc(tcc, b, p, length);
            case Unknown u -> throw new IllegalArgumentException("cannot write an Unknown RTCP packet");
        }
        if (p - start != length) {
            throw new IllegalStateException("wrote " + (p - start) + " bytes, expected " + length);
        }
        return p;
    }

    private static int header(byte[] b, int p, boolean padding, int countOrFmt, int type, int length) {
        b[p] = (byte) (0x80 | (padding ? 0x20 : 0) | countOrFmt);
        b[p + 1] = (byte) type;
        return u16(b, p + 2, length / 4 - 1);
    }

    private static int reportBlocks(byte[] b, int p, List<ReportBlock> blocks) {
        for (ReportBlock r : blocks) {
            p = u32(b, p, r.ssrc());
            p = u32(b, p, ((long) r.fractionLost() << 24) | (r.cumulativeLost() & 0xFF_FFFF));
            p = u32(b, p, r.extendedHighestSeq());
            p = u32(b, p, r.jitter());
            p = u32(b, p, r.lastSr());
            p = u32(b, p, r.delaySinceLastSr());
        }
        return p;
    }

    private static int chunkLength(Chunk c) {
        int items = 0;
        for (Item item : c.items()) {
            items += 2 + utf8Length(item.text(), "SDES item");
        }
        return 4 + items + (4 - (items & 3)); // 1..4 null octets end the list and fill the word
    }

    private static int utf8Length(String text, String what) {
        int n = text.getBytes(StandardCharsets.UTF_8).length;
        if (n > 255) {
            throw new IllegalArgumentException(what + " longer than 255 bytes in UTF-8");
        }
        return n;
    }

    /** FCI entries the list packs into: see {@link GenericNack}. */
    static int nackEntryCount(List<Integer> lost) {
        int entries = 0;
        int pid = -1;
        for (int seq : lost) {
            if (pid < 0 || !fitsEntry(pid, seq)) {
                entries++;
                pid = seq;
            }
        }
        return entries;
    }

    private static boolean fitsEntry(int pid, int seq) {
        int diff = (seq - pid) & 0xFFFF;
        return diff <= 16; // 0: a repeat of the PID itself
    }

    private static int nackEntries(byte[] b, int p, List<Integer> lost) {
        int pid = -1;
        int blp = 0;
        for (int seq : lost) {
            if (pid >= 0 && fitsEntry(pid, seq)) {
                int diff = (seq - pid) & 0xFFFF;
                if (diff > 0) {
                    blp |= 1 << (diff - 1);
                }
                continue;
            }
            if (pid >= 0) {
                p = u16(b, p, pid);
                p = u16(b, p, blp);
            }
            pid = seq;
            blp = 0;
        }
        if (pid >= 0) {
            p = u16(b, p, pid);
            p = u16(b, p, blp);
        }
        return p;
    }

    private static int transportCcUnpaddedLength(TransportCcFeedback tcc, int[] chunks) {
        int len = 20 + 2 * chunks.length;
        for (PacketStatus s : tcc.packets()) {
            if (s.received()) {
                len += s.largeDelta() ? 2 : 1;
            }
        }
        return len;
    }

    private static int writeTransportCc(TransportCcFeedback tcc, byte[] b, int p, int length) {
        int[] chunks = encodeChunks(tcc.packets());
        int padding = length - transportCcUnpaddedLength(tcc, chunks);
        p = header(b, p, padding > 0, RtcpPacket.FMT_TRANSPORT_CC, RtcpPacket.TYPE_RTPFB, length);
        p = u32(b, p, tcc.senderSsrc());
        p = u32(b, p, tcc.mediaSsrc());
        p = u16(b, p, tcc.baseSequenceNumber());
        p = u16(b, p, tcc.packets().size());
        p = u32(b, p, ((long) tcc.referenceTime() << 8) | tcc.feedbackPacketCount());
        for (int chunk : chunks) {
            p = u16(b, p, chunk);
        }
        for (PacketStatus s : tcc.packets()) {
            if (!s.received()) {
                continue;
            }
            if (s.largeDelta()) {
                p = u16(b, p, s.deltaTicks() & 0xFFFF);
            } else {
                b[p++] = (byte) s.deltaTicks();
            }
        }
        if (padding > 0) {
            for (int i = 0; i < padding - 1; i++) {
                b[p++] = 0;
            }
            b[p++] = (byte) padding;
        }
        return p;
    }

    /** Status symbol of a packet: 0 not received, 1 small delta, 2 large delta. */
    private static int symbol(PacketStatus s) {
        if (!s.received()) {
            return 0;
        }
        return s.largeDelta() ? 2 : 1;
    }

    /**
     * Chooses packet status chunks (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.2..3.1.4)
     * greedily: symbols gather until the next one fits neither a run (all equal, up to 8191), a 1-bit
     * vector (14 symbols, none a large delta) nor a 2-bit vector (7 symbols); then the gathered ones
     * are emitted as a run if all equal, as a full 1-bit vector if 14, else as a 2-bit vector of the
     * first 7, keeping the rest.
     */
    static int[] encodeChunks(List<PacketStatus> packets) {
        ChunkEncoder enc = new ChunkEncoder(packets.size());
        for (PacketStatus s : packets) {
            enc.add(symbol(s));
        }
        return enc.finish();
    }

    private static final class ChunkEncoder {
        private static final int ONE_BIT_CAPACITY = 14;
        private static final int TWO_BIT_CAPACITY = 7;
        private static final int MAX_RUN = 0x1FFF;

        private final int[] pending = new int[ONE_BIT_CAPACITY];
        private int size; // gathered symbols; above 14 only while they are all equal
        private boolean allSame = true;
        private boolean hasLarge;
        private int[] out;
        private int outCount;

        ChunkEncoder(int symbols) {
            out = new int[Math.max(1, symbols / TWO_BIT_CAPACITY + 2)];
        }

        void add(int s) {
            if (!canAdd(s)) {
                emit();
            }
            if (size < ONE_BIT_CAPACITY) {
                pending[size] = s;
            }
            allSame = size == 0 || (allSame && pending[0] == s);
            hasLarge |= s == 2;
            size++;
        }

        private boolean canAdd(int s) {
            if (size < TWO_BIT_CAPACITY) {
                return true;
            }
            if (size < ONE_BIT_CAPACITY && !hasLarge && s != 2) {
                return true;
            }
            return size < MAX_RUN && allSame && pending[0] == s;
        }

        private void emit() {
            if (allSame) {
                push((pending[0] << 13) | size);
                size = 0;
                allSame = true;
                hasLarge = false;
                return;
            }
            if (size == ONE_BIT_CAPACITY) {
                push(oneBit(ONE_BIT_CAPACITY));
                size = 0;
                allSame = true;
                hasLarge = false;
                return;
            }
            push(twoBit(TWO_BIT_CAPACITY));
            int rest = size - TWO_BIT_CAPACITY;
            System.arraycopy(pending, TWO_BIT_CAPACITY, pending, 0, rest);
            size = rest;
            allSame = true;
            hasLarge = false;
            for (int i = 0; i < rest; i++) {
                allSame &= pending[i] == pending[0];
                hasLarge |= pending[i] == 2;
            }
        }

        int[] finish() {
            if (size > 0) {
                if (allSame) {
                    push((pending[0] << 13) | size);
                } else if (size <= TWO_BIT_CAPACITY) {
                    push(twoBit(size));
                } else {
                    push(oneBit(size));
                }
            }
            return Arrays.copyOf(out, outCount);
        }

        private int oneBit(int n) {
            int chunk = 0x8000;
            for (int i = 0; i < n; i++) {
                chunk |= pending[i] << (13 - i);
            }
            return chunk;
        }

        private int twoBit(int n) {
            int chunk = 0xC000;
            for (int i = 0; i < n; i++) {
                chunk |= pending[i] << (12 - 2 * i);
            }
            return chunk;
        }

        private void push(int chunk) {
            if (outCount == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[outCount++] = chunk;
        }
    }

    private static int u16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
        return p + 2;
    }

    private static int u32(byte[] b, int p, long v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }
}
