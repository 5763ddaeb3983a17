package dev.ingot.rtc.feedback;

import java.util.List;
import java.util.Objects;

/**
 * The content of one transport-wide congestion control feedback packet
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): a run of transport sequence numbers starting at the
 * base, each with its status symbol and, if received, its receive delta. The RTCP writer chooses the packet
 * chunk encoding (run length or status vector); the batch is sized so that two-bit status vector chunks (2 bytes
 * per 7 statuses) or anything denser fit the recorder's byte budget.
 *
 * @param baseSequenceNumber  transport-wide sequence number of the first packet in this feedback (16 bits)
 * @param referenceTime       reference time in multiples of 64 ms, 24 bits (signed on the wire, given here as
 *                            0..0xFFFFFF); the first receive delta is relative to it
 * @param feedbackPacketCount feedback packet count, 8 bits, wrapping; one more for every batch sent
 * @param packetStatuses      one entry per packet from the base on: the packet status count is its size
 */
public record TransportCcBatch(
        int baseSequenceNumber, int referenceTime, int feedbackPacketCount, List<PacketStatus> packetStatuses) {

    /** Draft §3.1.1 packet status symbols, with their two-bit codes. */
    public enum StatusSymbol {
        /** 00: packet not received. */
        NOT_RECEIVED(0),
        /** 01: packet received, small delta (one byte, 0..255 ticks). */
        SMALL_DELTA(1),
        /** 10: packet received, large or negative delta (two bytes, signed). */
        LARGE_OR_NEGATIVE_DELTA(2);

        private final int code;

        StatusSymbol(int code) {
            this.code = code;
        }

        /** The two-bit code on the wire. */
        public int code() {
            return code;
        }
    }

    /**
     * One packet's status.
     *
     * @param symbol       its status symbol
     * @param receiveDelta receive delta in 250 µs ticks (0 when not received): 0..255 for {@code SMALL_DELTA},
     *                     -32768..32767 for {@code LARGE_OR_NEGATIVE_DELTA}
     */
    public record PacketStatus(StatusSymbol symbol, int receiveDelta) {
        /** The shared "not received" entry. */
        public static final PacketStatus NOT_RECEIVED = new PacketStatus(StatusSymbol.NOT_RECEIVED, 0);

        public PacketStatus {
            Objects.requireNonNull(symbol, "symbol");
            boolean ok = switch (symbol) {
                case NOT_RECEIVED -> receiveDelta == 0;
                case SMALL_DELTA -> receiveDelta >= 0 && receiveDelta <= 255;
                case LARGE_OR_NEGATIVE_DELTA -> receiveDelta >= Short.MIN_VALUE && receiveDelta <= Short.MAX_VALUE;
            };
            if (!ok) {
                throw new IllegalArgumentException("receive delta " + receiveDelta + " does not fit " + symbol);
            }
        }

        /** A received packet: SMALL_DELTA if {@code delta} fits one unsigned byte, else LARGE_OR_NEGATIVE_DELTA. */
        public static PacketStatus received(int delta) {
            return new PacketStatus(
                    delta >= 0 && delta <= 255 ? StatusSymbol.SMALL_DELTA : StatusSymbol.LARGE_OR_NEGATIVE_DELTA, delta);
        }

        /** True unless NOT_RECEIVED. */
        public boolean isReceived() {
            return symbol != StatusSymbol.NOT_RECEIVED;
        }
    }

    /** Receive delta tick: 250 µs. */
    public static final long DELTA_TICK_NANOS = 250_000L;
    /** Reference time unit: 64 ms (256 delta ticks). */
    public static final long REFERENCE_TIME_UNIT_NANOS = 64_000_000L;

    public TransportCcBatch {
        if (baseSequenceNumber < 0 || baseSequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("base sequence number must be 16 bits");
        }
        if (referenceTime < 0 || referenceTime > 0xFFFFFF) {
            throw new IllegalArgumentException("reference time must be 24 bits");
        }
        if (feedbackPacketCount < 0 || feedbackPacketCount > 0xFF) {
            throw new IllegalArgumentException("feedback packet count must be 8 bits");
        }
        packetStatuses = List.copyOf(packetStatuses);
        if (packetStatuses.isEmpty() || packetStatuses.size() > 0xFFFF) {
            throw new IllegalArgumentException("packet status count must be 1..65535");
        }
    }

    /** Packet status count: how many sequence numbers this feedback covers. */
    public int packetStatusCount() {
        return packetStatuses.size();
    }

    /** The 16-bit transport sequence number of entry {@code index}. */
    public int sequenceNumber(int index) {
        return (baseSequenceNumber + index) & 0xFFFF;
    }

    /** How many entries are received packets. */
    public int receivedCount() {
        int n = 0;
        for (PacketStatus status : packetStatuses) {
            if (status.isReceived()) {
                n++;
            }
        }
        return n;
    }
}
