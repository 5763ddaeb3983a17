package dev.ingot.rtc.dtls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts the peer's DTLS records in an order Bouncy Castle's DTLS 1.2 engine can use, whatever order the network
 * delivered them in. The engine itself reassembles handshake messages that arrive out of order within an epoch,
 * but three things break it (read from its {@code DTLSRecordLayer} and {@code DTLSReliableHandshake}, and
 * reproduced with a reordering pipe, see the tests):
 * <ol>
 *   <li>A record of the next epoch (the peer's Finished, epoch 1) that arrives before the ChangeCipherSpec is
 *       dropped: the engine reads only its current epoch. So is every record after it in the same datagram.</li>
 *   <li>A ChangeCipherSpec read before the engine has processed the peer's key exchange is ignored (the new read
 *       epoch does not exist yet), and the CCS record, counted by the replay window, never works again.</li>
 *   <li>A ChangeCipherSpec read before the peer's last plaintext message (its CertificateVerify, say) switches
 *       the engine to epoch 1, and that message, when it comes, is dropped as a record of the old epoch.</li>
 * </ol>
 * The first stalls the handshake until the peer's retransmission timer fires (a second for OpenSSL-based peers,
 * doubling); the second and third kill it, since the engine never goes back to epoch 0 (even the peer's
 * retransmissions are dropped). So records are handed over one at a time (a datagram is split into its records),
 * and:
 * <ul>
 *   <li>the peer's first ChangeCipherSpec is held until no handshake message up to the highest one seen is
 *       incomplete and, when we are the server, the client's ClientKeyExchange and CertificateVerify (the last
 *       plaintext messages of its flight; we always ask for its certificate) have arrived in full. When we are the
 *       client the server's last flight has no plaintext message before its CCS (we ask for no session ticket)
 *       and our engine has its next epoch ready before it sends its own Finished. The engine reads records
 *       lazily, one per message it waits for, so it then reads the CCS only after it has consumed everything
 *       before it. A newer CCS (a retransmitted flight) replaces a held one. If a client never completes those
 *       messages but nothing seen is incomplete, the CCS goes after {@link #CCS_RELEASE_AFTER_NANOS};</li>
 *   <li>records of epoch 1 that arrive before that CCS was handed over wait (at most {@value #MAX_HELD}) and
 *       follow it, in record sequence order;</li>
 *   <li>everything else goes straight through.</li>
 * </ul>
 * Sans-IO, not thread-safe.
 */
final class InboundRecordOrder {
    static final int MAX_HELD = 32;
    /** Records waiting for the engine, at most; more are dropped (the peer retransmits). */
    static final int MAX_READY = 256;
    static final long CCS_RELEASE_AFTER_NANOS = 2_000_000_000L;

    private static final int CLIENT_KEY_EXCHANGE = 16;
    private static final int CERTIFICATE_VERIFY = 15;

    private final DtlsRole role;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>();
    private final List<byte[]> heldNextEpoch = new ArrayList<>();
    private final HandshakeCoverage coverage = new HandshakeCoverage();
    private byte[] heldCcs;
    private long heldCcsSince;
    /** The epoch the engine reads after the records handed over so far: 1 once the first CCS went. */
    private int engineEpoch;
    private long recordsHeld;
    private long recordsDropped;
    private long newlyHeld;

    /** @param role our role: it decides which of the peer's messages must precede its ChangeCipherSpec */
    InboundRecordOrder(DtlsRole role) {
        this.role = role;
    }

    /**
     * Takes one datagram from the peer.
     *
     * @return true if it carried handshake content the peer had already sent (a repeated flight: the peer has not
     *     heard our answer) and nothing new
     */
    boolean add(byte[] buf, int off, int len, long nowNanos) {
        int p = off;
        int end = off + len;
        boolean repeated = false;
        boolean fresh = false;
        while (p < end) {
            int n = DtlsRecords.recordLength(buf, p, end);
            if (n < 0) {
                // not a whole record: let the engine see (and drop) the rest as it is
                toEngine(Arrays.copyOfRange(buf, p, end));
                fresh = true;
                break;
            }
            byte[] record = Arrays.copyOfRange(buf, p, p + n);
            switch (route(record, nowNanos)) {
                case REPEAT -> repeated = true;
                case NEW -> fresh = true;
                case UNKNOWN -> {
                }
            }
            p += n;
        }
        long before = heldCount();
        release(nowNanos);
        // what this datagram brought that still waits (a CCS and Finished arriving together never waited)
        recordsHeld += Math.max(0, heldCount() - Math.max(before - newlyHeld, 0));
        newlyHeld = 0;
        return repeated && !fresh;
    }

    private enum Novelty {
        NEW, REPEAT, UNKNOWN
    }

    private Novelty route(byte[] record, long nowNanos) {
        int epoch = DtlsRecords.epoch(record);
        int type = DtlsRecords.contentType(record);
        if (epoch < engineEpoch) {
            toEngine(record);
            return type == DtlsRecords.CHANGE_CIPHER_SPEC || type == DtlsRecords.HANDSHAKE && repeatsKnownMessages(record)
                    ? Novelty.REPEAT : Novelty.UNKNOWN;
        }
        if (epoch > engineEpoch) {
            if (heldNextEpoch.size() >= MAX_HELD) {
                heldNextEpoch.removeFirst();
                recordsDropped++;
            }
            heldNextEpoch.add(record);
            newlyHeld++;
            return Novelty.UNKNOWN;
        }
        if (engineEpoch > 0) {
            toEngine(record);
            return Novelty.UNKNOWN;
        }
        if (type == DtlsRecords.CHANGE_CIPHER_SPEC) {
            long seq = DtlsRecords.sequenceNumber(record);
            if (heldCcs == null) {
                heldCcsSince = nowNanos;
                newlyHeld++;
            }
            if (heldCcs == null || seq > DtlsRecords.sequenceNumber(heldCcs)) {
                heldCcs = record;
            }
            return Novelty.NEW;
        }
        Novelty novelty = Novelty.UNKNOWN;
        if (type == DtlsRecords.HANDSHAKE) {
            novelty = repeatsKnownMessages(record) ? Novelty.REPEAT : Novelty.NEW;
            coverage.addRecord(record);
        }
        toEngine(record);
        return novelty;
    }

    private long heldCount() {
        return heldNextEpoch.size() + (heldCcs == null ? 0 : 1);
    }

    private void toEngine(byte[] record) {
        if (ready.size() >= MAX_READY) {
            recordsDropped++;
            return;
        }
        ready.add(record);
    }

    /** True if every handshake fragment in this plaintext record belongs to a message that is already complete. */
    private boolean repeatsKnownMessages(byte[] record) {
        int off = DtlsRecords.HEADER_LENGTH;
        boolean any = false;
        while (record.length - off >= DtlsRecords.HANDSHAKE_HEADER_LENGTH) {
            if (!coverage.isComplete(DtlsRecords.uint16(record, off + 4))) {
                return false;
            }
            any = true;
            off += DtlsRecords.HANDSHAKE_HEADER_LENGTH + DtlsRecords.uint24(record, off + 9);
        }
        return any;
    }

    private void release(long nowNanos) {
        if (heldCcs == null || !coverage.noGap()) {
            return;
        }
        boolean flightComplete = role == DtlsRole.CLIENT
                || coverage.hasComplete(CLIENT_KEY_EXCHANGE) && coverage.hasComplete(CERTIFICATE_VERIFY);
        if (!flightComplete && nowNanos - heldCcsSince < CCS_RELEASE_AFTER_NANOS) {
            return;
        }
        toEngine(heldCcs);
        heldCcs = null;
        engineEpoch = 1;
        heldNextEpoch.sort(Comparator.comparingInt(DtlsRecords::epoch).thenComparingLong(DtlsRecords::sequenceNumber));
        var it = heldNextEpoch.iterator();
        while (it.hasNext()) {
            byte[] r = it.next();
            if (DtlsRecords.epoch(r) <= engineEpoch) {
                toEngine(r);
                it.remove();
            }
        }
    }

    /** The next record for the engine, or null. */
    byte[] poll() {
        return ready.poll();
    }

    /** When a held CCS may go even though the client's flight looks incomplete (see the class comment). */
    long nextTimeoutNanos() {
        return heldCcs == null ? Long.MAX_VALUE : heldCcsSince + CCS_RELEASE_AFTER_NANOS;
    }

    void handleTimeout(long nowNanos) {
        release(nowNanos);
    }

    /** Records that had to wait for others that arrived later (reordering, or loss until a retransmission). */
    long recordsHeld() {
        return recordsHeld;
    }

    /** Records dropped because too many were waiting. */
    long recordsDropped() {
        return recordsDropped;
    }
}
