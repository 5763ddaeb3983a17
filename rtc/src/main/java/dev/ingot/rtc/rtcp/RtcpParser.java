package dev.ingot.rtc.rtcp;

import dev.ingot.rtc.rtcp.FullIntraRequest.FirEntry;
import dev.ingot.rtc.rtcp.SourceDescription.Chunk;
import dev.ingot.rtc.rtcp.SourceDescription.Item;
import dev.ingot.rtc.rtcp.TransportCcFeedback.PacketStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses compound RTCP packets (RFC 3550 §6.1) into {@link RtcpPacket}s.
 *
 * <p>Each packet's header is checked (version 2, length within the bytes given, padding count 1..body
 * length when its P bit is set: libwebrtc sets P on a transport-cc packet in the middle of a
 * compound, so padding is honoured on any packet, not only the last). The compound need not start
 * with an SR or RR: RFC 5506 reduced-size RTCP (a lone NACK, PLI or transport-cc) is accepted.
 * Types and formats this package does not model become {@link Unknown} and parsing goes on.
 *
 * <p>All or nothing: any damage anywhere (truncation, counts that do not fit the bytes, a reserved
 * transport-cc symbol, a missing SDES terminator) throws {@link RtcpParseException} and nothing is
 * returned. No other exception escapes for any bytes, and every count is checked against the bytes
 * present before anything is sized by it. Stateless and thread-safe.
 */
public final class RtcpParser {

    private static final int HEADER = 4;

    private RtcpParser() {
    }

    /**
     * Parses the compound packet in {@code buf[off, off + len)}.
     *
     * @throws RtcpParseException when the bytes (or {@code off}/{@code len}) are not valid RTCP
     */
    public static List<RtcpPacket> parseCompound(byte[] buf, int off, int len) throws RtcpParseException {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new RtcpParseException("offset/length outside the buffer");
        }
        if (len == 0) {
            throw new RtcpParseException("empty RTCP packet");
        }
        List<RtcpPacket> out = new ArrayList<>(4);
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < HEADER) {
                throw new RtcpParseException("truncated RTCP header at byte " + (pos - off));
            }
            int b0 = buf[pos] & 0xFF;
            if ((b0 >>> 6) != 2) {
                throw new RtcpParseException("RTCP version " + (b0 >>> 6) + " at byte " + (pos - off));
            }
            int count = b0 & 0x1F;
            int type = buf[pos + 1] & 0xFF;
            int packetLength = 4 * (u16(buf, pos + 2) + 1);
            if (packetLength > end - pos) {
                throw new RtcpParseException("RTCP packet of " + packetLength + " bytes at byte " + (pos - off)
                        + " overruns the " + len + " given");
            }
            int bodyEnd = pos + packetLength;
            if ((b0 & 0x20) != 0) {
                int padding = buf[bodyEnd - 1] & 0xFF;
                if (padding == 0 || padding > packetLength - HEADER) {
                    throw new RtcpParseException("bad RTCP padding count " + padding);
                }
                bodyEnd -= padding;
            }
            out.add(parseOne(buf, type, count, pos + HEADER, bodyEnd, packetLength));
            pos += packetLength;
        }
        return out;
    }

    /** Convenience for a whole array. */
    public static List<RtcpPacket> parseCompound(byte[] buf) throws RtcpParseException {
        if (buf == null) {
            throw new RtcpParseException("no buffer");
        }
        return parseCompound(buf, 0, buf.length);
    }

    private static RtcpPacket parseOne(byte[] b, int type, int count, int p, int end, int packetLength)
            throws RtcpParseException {
        return switch (type) {
            case RtcpPacket.TYPE_SR -> parseSenderReport(b, count, p, end);
            case RtcpPacket.TYPE_RR -> parseReceiverReport(b, count, p, end);
            case RtcpPacket.TYPE_SDES -> parseSourceDescription(b, count, p, end);
            case RtcpPacket.TYPE_BYE -> parseBye(b, count, p, end);
            case RtcpPacket.TYPE_RTPFB -> switch (count) {
                case RtcpPacket.FMT_NACK -> parseNack(b, p, end);
                case RtcpPacket.FMT_TRANSPORT_CC -> parseTransportCc(b, p, end);
                default -> new Unknown(type, count, packetLength);
            };
            case RtcpPacket.TYPE_PSFB -> switch (count) {
                case RtcpPacket.FMT_PLI -> parsePli(b, p, end);
                case RtcpPacket.FMT_FIR -> parseFir(b, p, end);
                case RtcpPacket.FMT_AFB -> isRemb(b, p, end)
                        ? parseRemb(b, p, end)
                        : new Unknown(type, count, packetLength);
                default -> new Unknown(type, count, packetLength);
            };
            default -> new Unknown(type, count, packetLength);
        };
    }

    /** Checks that {@code bytes} more bytes are present; {@code what} must be a constant (no per-call allocation). */
    private static void need(int p, int end, int bytes, String what) throws RtcpParseException {
        if (bytes < 0 || bytes > end - p) {
            throw new RtcpParseException(what + ": needs " + bytes + " bytes, " + Math.max(0, end - p) + " left");
        }
    }

    private static SenderReport parseSenderReport(byte[] b, int count, int p, int end) throws RtcpParseException {
        need(p, end, 24 + 24 * count, "SR report blocks");
        long ssrc = u32(b, p);
        long ntp = (u32(b, p + 4) << 32) | u32(b, p + 8);
        long rtp = u32(b, p + 12);
        long packets = u32(b, p + 16);
        long octets = u32(b, p + 20);
        // Anything after the blocks is a profile-specific extension (RFC 3550 §6.4.1): skipped.
        return new SenderReport(ssrc, ntp, rtp, packets, octets, reportBlocks(b, count, p + 24));
    }

    private static ReceiverReport parseReceiverReport(byte[] b, int count, int p, int end)
            throws RtcpParseException {
        need(p, end, 4 + 24 * count, "RR report blocks");
        return new ReceiverReport(u32(b, p), reportBlocks(b, count, p + 4));
    }

    private static List<ReportBlock> reportBlocks(byte[] b, int count, int p) {
        List<ReportBlock> blocks = new ArrayList<>(count); // count <= 31, bytes checked by the caller
        for (int i = 0; i < count; i++, p += 24) {
            int lost = (int) u32(b, p + 4) & 0xFF_FFFF;
            int cumulative = (lost << 8) >> 8; // sign-extend 24 bits
            blocks.add(new ReportBlock(u32(b, p), b[p + 4] & 0xFF, cumulative, u32(b, p + 8), u32(b, p + 12),
                    u32(b, p + 16), u32(b, p + 20)));
        }
        return blocks;
    }

    private static SourceDescription parseSourceDescription(byte[] b, int count, int p, int end)
            throws RtcpParseException {
        need(p, end, 4 * count, "SDES chunks");
        int start = p;
        List<Chunk> chunks = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            need(p, end, 4, "SDES chunk");
            long ssrc = u32(b, p);
            p += 4;
            List<Item> items = new ArrayList<>(2);
            while (true) {
                need(p, end, 1, "SDES item");
                int itemType = b[p] & 0xFF;
                if (itemType == 0) { // end of list, then null octets up to the next 32-bit boundary
                    p++;
                    int aligned = start + ((p - start + 3) & ~3);
                    need(p, end, aligned - p, "SDES chunk padding");
                    p = aligned;
                    break;
                }
                need(p, end, 2, "SDES item header");
                int itemLength = b[p + 1] & 0xFF;
                need(p + 2, end, itemLength, "SDES item text");
                items.add(new Item(itemType, new String(b, p + 2, itemLength, StandardCharsets.UTF_8)));
                p += 2 + itemLength;
            }
            chunks.add(new Chunk(ssrc, items));
        }
        return new SourceDescription(chunks);
    }

    private static Bye parseBye(byte[] b, int count, int p, int end) throws RtcpParseException {
        need(p, end, 4 * count, "BYE SSRCs");
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++, p += 4) {
            ssrcs.add(u32(b, p));
        }
        String reason = "";
        if (p < end) {
            int reasonLength = b[p] & 0xFF;
            need(p + 1, end, reasonLength, "BYE reason");
            reason = new String(b, p + 1, reasonLength, StandardCharsets.UTF_8);
        }
        return new Bye(ssrcs, reason);
    }

    private static GenericNack parseNack(byte[] b, int p, int end) throws RtcpParseException {
        need(p, end, 8, "NACK");
        long sender = u32(b, p);
        long media = u32(b, p + 4);
        p += 8;
        if ((end - p) % 4 != 0) {
            throw new RtcpParseException("NACK FCI of " + (end - p) + " bytes is not whole entries");
        }
        List<Integer> lost = new ArrayList<>();
        for (; p < end; p += 4) {
            int pid = u16(b, p);
            int blp = u16(b, p + 2);
            lost.add(pid);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    lost.add((pid + bit + 1) & 0xFFFF);
                }
            }
        }
        return new GenericNack(sender, media, lost);
    }

    private static PictureLossIndication parsePli(byte[] b, int p, int end) throws RtcpParseException {
        need(p, end, 8, "PLI");
        return new PictureLossIndication(u32(b, p), u32(b, p + 4));
    }

    private static FullIntraRequest parseFir(byte[] b, int p, int end) throws RtcpParseException {
        need(p, end, 8, "FIR");
        long sender = u32(b, p);
        p += 8; // media source SSRC: unused, SHALL be 0 (RFC 5104 §4.3.1.2)
        if ((end - p) % 8 != 0) {
            throw new RtcpParseException("FIR FCI of " + (end - p) + " bytes is not whole entries");
        }
        List<FirEntry> entries = new ArrayList<>((end - p) / 8);
        for (; p < end; p += 8) {
            entries.add(new FirEntry(u32(b, p), b[p + 4] & 0xFF));
        }
        return new FullIntraRequest(sender, entries);
    }

    private static boolean isRemb(byte[] b, int p, int end) {
        return end - p >= 12 && b[p + 8] == 'R' && b[p + 9] == 'E' && b[p + 10] == 'M' && b[p + 11] == 'B';
    }

    private static ReceiverEstimatedMaxBitrate parseRemb(byte[] b, int p, int end) throws RtcpParseException {
        need(p, end, 16, "REMB");
        long sender = u32(b, p);
        int numSsrc = b[p + 12] & 0xFF;
        int field = (int) (u32(b, p + 12) & 0xFF_FFFF);
        need(p + 16, end, 4 * numSsrc, "REMB SSRCs");
        List<Long> ssrcs = new ArrayList<>(numSsrc);
        for (int i = 0, q = p + 16; i < numSsrc; i++, q += 4) {
            ssrcs.add(u32(b, q));
        }
        return new ReceiverEstimatedMaxBitrate(sender, ReceiverEstimatedMaxBitrate.decodeBitrate(field), ssrcs);
    }

    private static TransportCcFeedback parseTransportCc(byte[] b, int p, int end) throws RtcpParseException {
        need(p, end, 16, "transport-cc header");
        long sender = u32(b, p);
        long media = u32(b, p + 4);
        int base = u16(b, p + 8);
        int statusCount = u16(b, p + 10);
        int referenceTime = (int) (u32(b, p + 12) >>> 8);
        int fbCount = b[p + 15] & 0xFF;
        p += 16;

        // Pass 1: walk the chunks without allocating, to find where the deltas start and how many
        // bytes they take, so nothing is sized by statusCount before the bytes are known to be there.
        int chunksStart = p;
        int symbols = 0;
        int deltaBytes = 0;
        while (symbols < statusCount) {
            need(p, end, 2, "transport-cc status chunks");
            int chunk = u16(b, p);
            p += 2;
            int n = Math.min(chunkCapacity(chunk), statusCount - symbols);
            for (int i = 0; i < n; i++) {
                int s = chunkSymbol(chunk, i);
                if (s == 3) {
                    throw new RtcpParseException("reserved transport-cc status symbol");
                }
                deltaBytes += s; // 0: none, 1: one byte, 2: two bytes
            }
            symbols += n;
        }
        int deltasStart = p;
        need(deltasStart, end, deltaBytes, "transport-cc receive deltas");

        // Pass 2: the bytes are all there; expand.
        List<PacketStatus> statuses = new ArrayList<>(Math.min(statusCount, 2 * (deltasStart - chunksStart) + 14));
        int q = deltasStart;
        p = chunksStart;
        while (statuses.size() < statusCount) {
            int chunk = u16(b, p);
            p += 2;
            int n = Math.min(chunkCapacity(chunk), statusCount - statuses.size());
            for (int i = 0; i < n; i++) {
                int seq = (base + statuses.size()) & 0xFFFF;
                switch (chunkSymbol(chunk, i)) {
                    case 1 -> {
                        statuses.add(PacketStatus.received(seq, b[q] & 0xFF));
                        q += 1;
                    }
                    case 2 -> {
                        statuses.add(PacketStatus.received(seq, (short) u16(b, q)));
                        q += 2;
                    }
                    default -> statuses.add(PacketStatus.lost(seq));
                }
            }
        }
        return new TransportCcFeedback(sender, media, base, referenceTime, fbCount, statuses);
    }

    /** How many statuses a transport-cc packet status chunk holds (run length, 14 or 7). */
    static int chunkCapacity(int chunk) {
        if ((chunk & 0x8000) == 0) {
            return chunk & 0x1FFF;
        }
        return (chunk & 0x4000) == 0 ? 14 : 7;
    }

    /** Status symbol {@code i} of a chunk: 0 not received, 1 small delta, 2 large delta, 3 reserved. */
    static int chunkSymbol(int chunk, int i) {
        if ((chunk & 0x8000) == 0) {
            return (chunk >>> 13) & 0x3;
        }
        if ((chunk & 0x4000) == 0) {
            return (chunk >>> (13 - i)) & 0x1;
        }
        return (chunk >>> (12 - 2 * i)) & 0x3;
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
