package dev.ingot.rtc.dtls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The datagram side of one DTLS association, between the network and Bouncy Castle's blocking DTLS engine, as a
 * sans-IO state machine: what makes a handshake quick and robust on a real path, which the engine alone is not.
 *
 * <h2>Inbound</h2>
 * Datagrams from the peer are split into records and put in an order the engine can use
 * ({@link InboundRecordOrder}: a Finished before its ChangeCipherSpec, or a ChangeCipherSpec before the messages
 * it follows, would otherwise stall the handshake until the peer's retransmission timer).
 *
 * <h2>Outbound</h2>
 * <ul>
 *   <li><b>Flights packed.</b> The engine writes one record per datagram; what it writes between two waits for
 *       the peer ({@link #onEngineWaiting}) is one flight, and goes out packed into as few datagrams as fit the
 *       MTU (a server's first flight: 1 datagram instead of 5, so one loss instead of five can cost it).</li>
 *   <li><b>Repeated flights answered at once.</b> When the peer sends again handshake messages we already have
 *       in full and nothing new, it has not heard our last flight: that flight goes out again (the same bytes; a
 *       copy the peer did get is dropped by its replay window), at most once per {@link #MIN_REPEAT_NANOS}. The
 *       engine itself only answers a repeated flight once all of it has arrived again.</li>
 *   <li><b>A client's first flight twice.</b> As DTLS client we send the ClientHello the moment ICE connects,
 *       which can be before the peer has set up its DTLS side (FFmpeg's WHIP muxer reads and discards the first
 *       DTLS datagram that arrives while its ICE finishes). So the first flight goes again
 *       {@link #FIRST_FLIGHT_REPEAT_NANOS} later unless the peer has answered.</li>
 * </ul>
 * The engine's own retransmission timer still runs (see {@link DtlsSrtpOptions#initialRetransmitMillis}).
 *
 * <p>Use: feed {@link #onDatagramReceived} with what arrives and hand {@link #pollRecordForEngine} to the engine's
 * receive; pass what the engine sends to {@link #onEngineSent}, call {@link #onEngineWaiting} when it waits (at the
 * start of each receive and when the handshake returns), and send {@link #pollTransmit} to the network; call
 * {@link #handleTimeout} at {@link #nextTimeoutNanos}. Not thread-safe: the caller serializes.
 */
public final class DtlsHandshakeLink {
    /** How long after a client's first flight it is sent again if the peer said nothing. */
    public static final long FIRST_FLIGHT_REPEAT_NANOS = 10_000_000L;
    /** Least spacing of repeats of our last flight triggered by the peer's repeats. */
    public static final long MIN_REPEAT_NANOS = 20_000_000L;

    private final DtlsRole role;
    private final int mtu;
    private final InboundRecordOrder inbound;
    private final List<byte[]> pending = new ArrayList<>();
    private final ArrayDeque<byte[]> transmit = new ArrayDeque<>();
    private List<byte[]> lastFlight = List.of();
    private long lastFlightSentNanos;
    private long firstFlightRepeatAt = Long.MAX_VALUE;
    private boolean firstFlightSent;
    private boolean heardPeer;
    private long firstPeerDatagramNanos = -1;
    /** When our last flight went out, while we wait for the peer's answer to it; -1 when not timing one. */
    private long awaitingAnswerSince = -1;
    private long roundTripNanos = -1;
    /** The first datagrams each way, for the log line: "+ms in|out|again what". */
    private final List<String> timeline = new ArrayList<>();
    private long timelineStart = Long.MIN_VALUE;
    private long datagramsReceived;
    private long datagramsSent;
    private long flightsRepeated;

    /**
     * @param role our DTLS role
     * @param mtu  largest datagram to send (the engine's records are never larger)
     */
    public DtlsHandshakeLink(DtlsRole role, int mtu) {
        this.role = Objects.requireNonNull(role, "role");
        if (mtu < DtlsRecords.HEADER_LENGTH + 1) {
            throw new IllegalArgumentException("mtu too small: " + mtu);
        }
        this.mtu = mtu;
        this.inbound = new InboundRecordOrder(role);
    }

    /** A datagram (DTLS records) from the peer. */
    public void onDatagramReceived(byte[] buf, int off, int len, long nowNanos) {
        datagramsReceived++;
        note(nowNanos, "in", buf, off, len);
        if (!heardPeer) {
            heardPeer = true;
            firstPeerDatagramNanos = nowNanos;
            firstFlightRepeatAt = Long.MAX_VALUE;
        }
        boolean peerRepeated = inbound.add(buf, off, len, nowNanos);
        if (!peerRepeated && awaitingAnswerSince >= 0) {
            long sample = nowNanos - awaitingAnswerSince;
            roundTripNanos = roundTripNanos < 0 ? sample : Math.min(roundTripNanos, sample);
            awaitingAnswerSince = -1;
        }
        if (peerRepeated && !lastFlight.isEmpty() && nowNanos - lastFlightSentNanos >= MIN_REPEAT_NANOS) {
            repeatLastFlight(nowNanos);
        }
    }

    /** The next record for the engine's receive, or null if none is ready. */
    public byte[] pollRecordForEngine() {
        return inbound.poll();
    }

    /** One datagram the engine sent (copied); it goes out when the engine next waits. */
    public void onEngineSent(byte[] buf, int off, int len) {
        if (len <= 0) {
            return;
        }
        pending.add(Arrays.copyOfRange(buf, off, off + len));
    }

    /** The engine waits for the peer: what it sent since it last waited is a flight, packed and sent now. */
    public void onEngineWaiting(long nowNanos) {
        if (pending.isEmpty()) {
            return;
        }
        List<byte[]> flight = pack(pending);
        boolean handshake = false;
        for (byte[] d : pending) {
            int type = DtlsRecords.contentType(d);
            handshake |= type == DtlsRecords.HANDSHAKE || type == DtlsRecords.CHANGE_CIPHER_SPEC;
        }
        pending.clear();
        for (byte[] d : flight) {
            note(nowNanos, "out", d, 0, d.length);
        }
        transmit.addAll(flight);
        datagramsSent += flight.size();
        if (handshake) {
            lastFlight = flight;
            lastFlightSentNanos = nowNanos;
            awaitingAnswerSince = nowNanos;
            if (!firstFlightSent) {
                firstFlightSent = true;
                if (role == DtlsRole.CLIENT && !heardPeer) {
                    firstFlightRepeatAt = nowNanos + FIRST_FLIGHT_REPEAT_NANOS;
                }
            }
        }
    }

    private List<byte[]> pack(List<byte[]> units) {
        List<byte[]> out = new ArrayList<>(2);
        int i = 0;
        while (i < units.size()) {
            int size = units.get(i).length;
            int j = i + 1;
            while (j < units.size() && size + units.get(j).length <= mtu) {
                size += units.get(j).length;
                j++;
            }
            byte[] d = new byte[size];
            int o = 0;
            for (int k = i; k < j; k++) {
                byte[] u = units.get(k);
                System.arraycopy(u, 0, d, o, u.length);
                o += u.length;
            }
            out.add(d);
            i = j;
        }
        return out;
    }

    private void repeatLastFlight(long nowNanos) {
        for (byte[] d : lastFlight) {
            note(nowNanos, "again", d, 0, d.length);
        }
        transmit.addAll(lastFlight);
        datagramsSent += lastFlight.size();
        lastFlightSentNanos = nowNanos;
        flightsRepeated++;
        awaitingAnswerSince = -1; // which copy an answer answers is unknown (Karn)
    }

    private static final int TIMELINE_ENTRIES = 24;

    /** Notes a datagram on the timeline: its time since the link's first event and what its records are. */
    private void note(long nowNanos, String direction, byte[] buf, int off, int len) {
        if (timeline.size() >= TIMELINE_ENTRIES) {
            return;
        }
        if (timelineStart == Long.MIN_VALUE) {
            timelineStart = nowNanos;
        }
        StringBuilder sb = new StringBuilder().append('+').append((nowNanos - timelineStart) / 1_000_000).append(' ')
                .append(direction);
        int p = off;
        int end = off + len;
        while (p < end) {
            int n = DtlsRecords.recordLength(buf, p, end);
            if (n < 0) {
                sb.append(" ?");
                break;
            }
            int type = buf[p] & 0xff;
            int epoch = ((buf[p + 3] & 0xff) << 8) | (buf[p + 4] & 0xff);
            sb.append(' ').append(type == DtlsRecords.CHANGE_CIPHER_SPEC ? "CCS"
                    : type == DtlsRecords.ALERT ? "alert"
                    : type == DtlsRecords.HANDSHAKE && epoch == 0 && n > DtlsRecords.HEADER_LENGTH
                            ? "hs" + (buf[p + DtlsRecords.HEADER_LENGTH] & 0xff)
                            : "e" + epoch + "/" + type);
            p += n;
        }
        timeline.add(sb.toString());
    }

    /** The next datagram to send to the peer, or null. */
    public byte[] pollTransmit() {
        return transmit.poll();
    }

    public long nextTimeoutNanos() {
        return Math.min(firstFlightRepeatAt, inbound.nextTimeoutNanos());
    }

    public void handleTimeout(long nowNanos) {
        if (nowNanos >= firstFlightRepeatAt) {
            firstFlightRepeatAt = Long.MAX_VALUE;
            if (!heardPeer) {
                repeatLastFlight(nowNanos);
            }
        }
        inbound.handleTimeout(nowNanos);
    }

    /**
     * What the link saw and did, for the log line of a finished handshake.
     *
     * @param roundTripNanos the shortest time from one of our flights to the first datagram of the peer's answer
     *                       (a round trip plus the peer's processing: an upper bound of the RTT), -1 if none was
     *                       timed (flights that were repeated are not)
     */
    public record Figures(long firstPeerDatagramNanos, long datagramsReceived, long datagramsSent,
            long flightsRepeated, long recordsHeldForOrder, long roundTripNanos, List<String> timeline) {

        /**
         * One line for the log: when the peer's first datagram came (counted from {@code startNanos}), the counts,
         * and the first datagrams each way ({@code hsN} a plaintext handshake record of message type N,
         * {@code CCS}, {@code eE/T} an encrypted record of epoch E and content type T).
         */
        public String describe(long startNanos) {
            return "first datagram from the publisher after "
                    + (firstPeerDatagramNanos < 0 ? "-" : (firstPeerDatagramNanos - startNanos) / 1_000_000 + " ms")
                    + "; datagrams in " + datagramsReceived + ", out " + datagramsSent + "; flights repeated "
                    + flightsRepeated + "; records held for order " + recordsHeldForOrder + "; " + String.join(", ", timeline);
        }
    }

    /** Figures so far; {@code firstPeerDatagramNanos} is the time passed to the first receive, -1 if none. */
    public Figures figures() {
        return new Figures(firstPeerDatagramNanos, datagramsReceived, datagramsSent, flightsRepeated,
                inbound.recordsHeld(), roundTripNanos, List.copyOf(timeline));
    }
}
