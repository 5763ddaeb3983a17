package dev.ingot.rtc.rtcp;

import static dev.ingot.rtc.rtcp.Unsigned.requireU32;

import java.util.ArrayList;
import java.util.List;

/**
 * Transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1 (RTPFB, FMT 15): for each transport-wide sequence number from the base on, whether it arrived
 * and, if so, its receive delta.
 *
 * <p>The packet status chunks (run-length and 1- or 2-bit status vectors) are a wire detail: parsing
 * expands them into one {@link PacketStatus} per sequence number and writing chooses them anew
 * (see {@link RtcpWriter}). Delta size (small: 0..255 ticks in one byte, large: signed 16 bits) follows
 * from the value. Build one from measured arrivals with {@link #fromArrivals}.
 *
 * @param baseSequenceNumber transport-wide sequence number of the first packet, 0..65535
 * @param referenceTime 24-bit reference time in 64 ms units, read as unsigned (0..2^24-1) like
 *     libwebrtc; only differences between feedback packets mean anything
 * @param feedbackPacketCount 8-bit counter of feedback packets sent
 * @param packets one status per sequence number, consecutive from the base (at most 65535)
 */
public record TransportCcFeedback(long senderSsrc, long mediaSsrc, int baseSequenceNumber, int referenceTime,
        int feedbackPacketCount, List<PacketStatus> packets) implements RtcpPacket {

    /** Unit of the reference time. */
    public static final long REFERENCE_TIME_UNIT_MICROS = 64_000;
    /** Unit of the receive deltas. */
    public static final long DELTA_UNIT_MICROS = 250;
    /** What {@link #receiveTimesMicros()} holds for a packet that did not arrive. */
    public static final long NOT_RECEIVED = Long.MIN_VALUE;

    public TransportCcFeedback {
        requireU32("senderSsrc", senderSsrc);
        requireU32("mediaSsrc", mediaSsrc);
        if (baseSequenceNumber < 0 || baseSequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("base sequence number out of range: " + baseSequenceNumber);
        }
        if (referenceTime < 0 || referenceTime > 0xFF_FFFF) {
            throw new IllegalArgumentException("reference time out of 24-bit range: " + referenceTime);
        }
        if (feedbackPacketCount < 0 || feedbackPacketCount > 255) {
            throw new IllegalArgumentException("feedback packet count out of range: " + feedbackPacketCount);
        }
        packets = List.copyOf(packets);
        if (packets.size() > 0xFFFF) {
            throw new IllegalArgumentException("at most 65535 packet statuses, got " + packets.size());
        }
        for (int i = 0; i < packets.size(); i++) {
            int expected = (baseSequenceNumber + i) & 0xFFFF;
            if (packets.get(i).sequenceNumber() != expected) {
                throw new IllegalArgumentException("packet " + i + " has sequence number "
                        + packets.get(i).sequenceNumber() + ", expected " + expected);
            }
        }
    }

    /** The reference time in microseconds (of the feedback sender's clock, modulo 2^24 × 64 ms). */
    public long referenceTimeMicros() {
        return referenceTime * REFERENCE_TIME_UNIT_MICROS;
    }

    /**
     * Receive time of each packet in microseconds on the reference-time scale (reference time plus
     * the running sum of deltas), or {@link #NOT_RECEIVED}.
     */
    public long[] receiveTimesMicros() {
        long[] out = new long[packets.size()];
        long t = referenceTimeMicros();
        for (int i = 0; i < out.length; i++) {
            PacketStatus p = packets.get(i);
            if (p.received()) {
                t += p.deltaMicros();
                out[i] = t;
            } else {
                out[i] = NOT_RECEIVED;
            }
        }
        return out;
    }

    /**
     * Builds feedback from arrivals given in increasing transport-wide sequence order (wrapping at
     * 65535 is fine); sequence numbers skipped between two entries are reported as not received, and
     * an entry can itself say {@link Arrival#lost}. The reference time is the first received arrival
     * rounded down to 64 ms; deltas are rounded to 250 µs steps without accumulating rounding error.
     *
     * @throws IllegalArgumentException when the list is empty, goes backwards, covers more than 65535
     *     sequence numbers, or two consecutive received packets lie more than about 8.19 s apart (a
     *     delta beyond signed 16 bits): split such runs into separate feedback packets
     */
    public static TransportCcFeedback fromArrivals(long senderSsrc, long mediaSsrc, int feedbackPacketCount,
            List<Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            throw new IllegalArgumentException("no arrivals");
        }
        int base = arrivals.get(0).transportSequenceNumber() & 0xFFFF;
        long referenceUnits = 0;
        for (Arrival a : arrivals) {
            if (a.received()) {
                referenceUnits = Math.floorDiv(a.arrivalTimeMicros(), REFERENCE_TIME_UNIT_MICROS);
                break;
            }
        }
        long previousMicros = referenceUnits * REFERENCE_TIME_UNIT_MICROS;
        List<PacketStatus> statuses = new ArrayList<>();
        for (Arrival a : arrivals) {
            int next = (base + statuses.size()) & 0xFFFF;
            int gap = ((a.transportSequenceNumber() & 0xFFFF) - next) & 0xFFFF;
            if (gap >= 0x8000) {
                throw new IllegalArgumentException("arrival " + a.transportSequenceNumber()
                        + " is not after sequence number " + ((next - 1) & 0xFFFF));
            }
            if (statuses.size() + gap + 1 > 0xFFFF) {
                throw new IllegalArgumentException("arrivals span more than 65535 sequence numbers");
            }
            for (int i = 0; i < gap; i++) {
                statuses.add(PacketStatus.lost((next + i) & 0xFFFF));
            }
            int seq = (next + gap) & 0xFFFF;
            if (!a.received()) {
                statuses.add(PacketStatus.lost(seq));
                continue;
            }
            long ticks = Math.floorDiv(a.arrivalTimeMicros() - previousMicros + DELTA_UNIT_MICROS / 2,
                    DELTA_UNIT_MICROS);
            if (ticks < Short.MIN_VALUE || ticks > Short.MAX_VALUE) {
                throw new IllegalArgumentException("receive delta of sequence number " + seq
                        + " does not fit 16 bits: " + ticks + " ticks of 250 us");
            }
            previousMicros += ticks * DELTA_UNIT_MICROS;
            statuses.add(PacketStatus.received(seq, (int) ticks));
        }
        return new TransportCcFeedback(senderSsrc, mediaSsrc, base, (int) (referenceUnits & 0xFF_FFFF),
                feedbackPacketCount, statuses);
    }

    /**
     * The fate of one transport-wide sequence number.
     *
     * @param deltaTicks receive delta in 250 µs ticks from the previous received packet (the first one:
     *     from the reference time), -32768..32767; 0 when not received
     */
    public record PacketStatus(int sequenceNumber, boolean received, int deltaTicks) {
        public PacketStatus {
            if (sequenceNumber < 0 || sequenceNumber > 0xFFFF) {
                throw new IllegalArgumentException("sequence number out of range: " + sequenceNumber);
            }
            if (deltaTicks < Short.MIN_VALUE || deltaTicks > Short.MAX_VALUE) {
                throw new IllegalArgumentException("delta out of signed 16-bit range: " + deltaTicks);
            }
            if (!received && deltaTicks != 0) {
                throw new IllegalArgumentException("a lost packet has no delta");
            }
        }

        public static PacketStatus lost(int sequenceNumber) {
            return new PacketStatus(sequenceNumber, false, 0);
        }

        public static PacketStatus received(int sequenceNumber, int deltaTicks) {
            return new PacketStatus(sequenceNumber, true, deltaTicks);
        }

        public long deltaMicros() {
            return deltaTicks * DELTA_UNIT_MICROS;
        }

        /** Whether the delta needs the 2-byte (large) form: below 0 or above 255 ticks. */
        public boolean largeDelta() {
            return received && (deltaTicks < 0 || deltaTicks > 255);
        }
    }

    /**
     * One media packet's transport-wide sequence number (low 16 bits used) and when it arrived, in
     * microseconds on any steady clock, for {@link #fromArrivals}.
     */
    public record Arrival(int transportSequenceNumber, long arrivalTimeMicros) {
        public static Arrival lost(int transportSequenceNumber) {
            return new Arrival(transportSequenceNumber, NOT_RECEIVED);
        }

        public boolean received() {
            return arrivalTimeMicros != NOT_RECEIVED;
        }
    }
}
