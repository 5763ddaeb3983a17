package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Source description, RFC 3550 §6.5: up to 31 chunks, each an SSRC with its items (CNAME, NAME, ...).
 * Item text is decoded as UTF-8; a PRIV item (type 8) keeps its prefix-length byte and prefix inside
 * the text.
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {

    public static final int CNAME = 1;
    public static final int NAME = 2;
    public static final int EMAIL = 3;
    public static final int PHONE = 4;
    public static final int LOC = 5;
    public static final int TOOL = 6;
    public static final int NOTE = 7;
    public static final int PRIV = 8;

    public SourceDescription {
        chunks = List.copyOf(chunks);
        if (chunks.size() > 31) {
            throw new IllegalArgumentException("at most 31 chunks, got " + chunks.size());
        }
    }

    /** An SDES with one chunk carrying one CNAME item, what every compound RTCP packet needs. */
    public static SourceDescription cname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
    }

    /** One SSRC and its items. */
    public record Chunk(long ssrc, List<Item> items) {
        public Chunk {
            requireU32("ssrc", ssrc);
            items = List.copyOf(items);
        }

        /** The first CNAME item's text, if any. */
        public Optional<String> cname() {
            return items.stream().filter(i -> i.type() == CNAME).map(Item::text).findFirst();
        }
    }

    /**
     * One item: a type 1..255 and its text. {@link RtcpWriter} refuses text longer than 255 bytes in
     * UTF-8 (the check is not made here: text decoded from damaged bytes can grow when re-encoded).
     */
    public record Item(int type, String text) {
        public Item {
            if (type < 1 || type > 255) {
                throw new IllegalArgumentException("SDES item type out of range: " + type);
            }
            Objects.requireNonNull(text, "text");
        }
    }
}
