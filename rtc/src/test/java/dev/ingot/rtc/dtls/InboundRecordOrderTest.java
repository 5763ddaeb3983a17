package dev.ingot.rtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record ordering and flight handling of the DTLS link, on hand-made records, in virtual time. */
class InboundRecordOrderTest {
    private static final int CERTIFICATE = 11;
    private static final int CLIENT_KEY_EXCHANGE = 16;
    private static final int CERTIFICATE_VERIFY = 15;
    private static final long MS = 1_000_000L;

    /** A plaintext epoch-0 handshake record holding one fragment. */
    static byte[] handshake(long recordSeq, int type, int messageSeq, int length, int fragOff, int fragLen) {
        byte[] body = new byte[12 + fragLen];
        body[0] = (byte) type;
        put24(body, 1, length);
        body[4] = (byte) (messageSeq >> 8);
        body[5] = (byte) messageSeq;
        put24(body, 6, fragOff);
        put24(body, 9, fragLen);
        return record(DtlsRecords.HANDSHAKE, 0, recordSeq, body);
    }

    static byte[] record(int type, int epoch, long seq, byte[] body) {
        byte[] r = new byte[13 + body.length];
        r[0] = (byte) type;
        r[1] = (byte) 0xfe;
        r[2] = (byte) 0xfd;
        r[3] = (byte) (epoch >> 8);
        r[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            r[5 + i] = (byte) (seq >>> (8 * (5 - i)));
        }
        r[11] = (byte) (body.length >> 8);
        r[12] = (byte) body.length;
        System.arraycopy(body, 0, r, 13, body.length);
        return r;
    }

    private static void put24(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 16);
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) v;
    }

    static byte[] ccs(long seq) {
        return record(DtlsRecords.CHANGE_CIPHER_SPEC, 0, seq, new byte[] {1});
    }

    static byte[] finished(long seq) {
        return record(DtlsRecords.HANDSHAKE, 1, seq, new byte[40]);
    }

    static byte[] datagram(byte[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    private static List<byte[]> drain(InboundRecordOrder order) {
        List<byte[]> out = new ArrayList<>();
        byte[] r;
        while ((r = order.poll()) != null) {
            out.add(r);
        }
        return out;
    }

    private static void add(InboundRecordOrder order, byte[] d, long now) {
        order.add(d, 0, d.length, now);
    }

    // the client's second flight: Certificate (seq 1, records 1-2 as two fragments), CKE (seq 2), CV (seq 3)
    private final byte[] clientHello = handshake(0, 1, 0, 100, 0, 100);
    private final byte[] certA = handshake(1, CERTIFICATE, 1, 600, 0, 300);
    private final byte[] certB = handshake(2, CERTIFICATE, 1, 600, 300, 300);
    private final byte[] cke = handshake(3, CLIENT_KEY_EXCHANGE, 2, 70, 0, 70);
    private final byte[] cv = handshake(4, CERTIFICATE_VERIFY, 3, 72, 0, 72);
    private final byte[] ccs = ccs(5);
    private final byte[] fin = finished(0);

    @Test
    void aDatagramOfSeveralRecordsIsHandedOverRecordByRecordInOrder() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        add(order, clientHello, 0);
        add(order, datagram(certA, certB, cke, cv, ccs, fin), MS);
        assertThat(drain(order)).containsExactly(clientHello, certA, certB, cke, cv, ccs, fin);
    }

    @Test
    void finishedBeforeItsChangeCipherSpecWaitsForIt() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        add(order, datagram(clientHello, certA, certB, cke, cv), 0);
        add(order, fin, MS);
        assertThat(drain(order)).containsExactly(clientHello, certA, certB, cke, cv);
        add(order, ccs, 2 * MS);
        assertThat(drain(order)).containsExactly(ccs, fin);
    }

    @Test
    void changeCipherSpecWaitsForTheClientsLastPlaintextMessages() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        add(order, datagram(clientHello, certA), 0);
        add(order, ccs, MS);
        add(order, cke, MS);
        assertThat(drain(order)).containsExactly(clientHello, certA, cke);
        add(order, cv, 2 * MS); // CV complete, but the certificate's second fragment is missing
        assertThat(drain(order)).containsExactly(cv);
        add(order, fin, 3 * MS);
        add(order, certB, 4 * MS);
        assertThat(drain(order)).containsExactly(certB, ccs, fin);
    }

    @Test
    void asClientTheServersChangeCipherSpecGoesAtOnce() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.CLIENT);
        byte[] serverHello = handshake(0, 2, 0, 80, 0, 80);
        byte[] helloDone = handshake(1, 14, 1, 0, 0, 0);
        add(order, datagram(serverHello, helloDone), 0);
        add(order, finished(0), MS);
        add(order, ccs(2), 2 * MS);
        assertThat(drain(order)).hasSize(4).last().satisfies(r -> assertThat(DtlsRecords.epoch(r)).isEqualTo(1));
    }

    @Test
    void aChangeCipherSpecThatNeverCompletesTheFlightGoesAfterTheSafetyDelay() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        add(order, datagram(clientHello, certA, certB, cke), 0); // no CertificateVerify ever
        add(order, ccs, MS);
        drain(order);
        assertThat(order.nextTimeoutNanos()).isEqualTo(MS + InboundRecordOrder.CCS_RELEASE_AFTER_NANOS);
        order.handleTimeout(order.nextTimeoutNanos() - 1);
        assertThat(order.poll()).isNull();
        order.handleTimeout(order.nextTimeoutNanos());
        assertThat(order.poll()).isEqualTo(ccs);
        assertThat(order.nextTimeoutNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aDatagramThatOnlyRepeatsCompleteMessagesIsARepeatedFlight() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        assertThat(order.add(clientHello, 0, clientHello.length, 0)).isFalse();
        byte[] again = handshake(1, 1, 0, 100, 0, 100); // ClientHello resent with a new record number
        assertThat(order.add(again, 0, again.length, MS)).isTrue();
        byte[] mixed = datagram(handshake(2, 1, 0, 100, 0, 100), certA);
        assertThat(order.add(mixed, 0, mixed.length, 2 * MS)).as("carries something new").isFalse();
    }

    @Test
    void heldNextEpochRecordsAreBounded() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        for (int i = 0; i < InboundRecordOrder.MAX_HELD + 5; i++) {
            add(order, finished(i), i);
        }
        assertThat(order.recordsDropped()).isEqualTo(5);
        assertThat(drain(order)).isEmpty();
    }

    @Test
    void truncatedTailIsPassedOnForTheEngineToDrop() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        byte[] d = datagram(clientHello, new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0});
        add(order, d, 0);
        assertThat(drain(order)).hasSize(2).first().isEqualTo(clientHello);
    }

    @Test
    void coverageMergesOverlappingFragmentsAndSpotsGaps() {
        HandshakeCoverage c = new HandshakeCoverage();
        assertThat(c.noGap()).isTrue();
        c.addFragment(0, 1, 100, 0, 40);
        c.addFragment(0, 1, 100, 60, 40);
        assertThat(c.noGap()).isFalse();
        c.addFragment(0, 1, 100, 30, 35);
        assertThat(c.isComplete(0)).isTrue();
        c.addFragment(2, CLIENT_KEY_EXCHANGE, 10, 0, 10);
        assertThat(c.noGap()).as("message 1 never seen").isFalse();
        c.addFragment(1, CERTIFICATE, 0, 0, 0);
        assertThat(c.noGap()).isTrue();
        assertThat(c.hasComplete(CLIENT_KEY_EXCHANGE)).isTrue();
        assertThat(c.hasComplete(CERTIFICATE_VERIFY)).isFalse();
    }
}
