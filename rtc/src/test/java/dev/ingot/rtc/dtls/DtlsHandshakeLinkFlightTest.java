package dev.ingot.rtc.dtls;

import static dev.ingot.rtc.dtls.InboundRecordOrderTest.datagram;
import static dev.ingot.rtc.dtls.InboundRecordOrderTest.handshake;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the DTLS link sends the engine's flights, in virtual time, on hand-made records. */
class DtlsHandshakeLinkFlightTest {
    private static final long MS = 1_000_000L;

    private static List<byte[]> sent(DtlsHandshakeLink link) {
        List<byte[]> out = new ArrayList<>();
        byte[] d;
        while ((d = link.pollTransmit()) != null) {
            out.add(d);
        }
        return out;
    }

    private static void engineSends(DtlsHandshakeLink link, byte[]... records) {
        for (byte[] r : records) {
            link.onEngineSent(r, 0, r.length);
        }
    }

    private static void receive(DtlsHandshakeLink link, byte[] d, long now) {
        link.onDatagramReceived(d, 0, d.length, now);
    }

    private final byte[] serverHello = handshake(0, 2, 0, 300, 0, 300);
    private final byte[] certificate = handshake(1, 11, 1, 500, 0, 500);
    private final byte[] helloDone = handshake(2, 14, 2, 0, 0, 0);

    @Test
    void whatTheEngineWritesBeforeItWaitsGoesOutPackedIntoDatagramsThatFitTheMtu() {
        DtlsHandshakeLink link = new DtlsHandshakeLink(DtlsRole.SERVER, 800);
        engineSends(link, serverHello, certificate, helloDone);
        assertThat(link.pollTransmit()).as("nothing before the engine waits").isNull();
        link.onEngineWaiting(0);
        List<byte[]> out = sent(link);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isEqualTo(datagram(serverHello)); // 313 + 513 > 800
        assertThat(out.get(1)).isEqualTo(datagram(certificate, helloDone));
        link.onEngineWaiting(MS);
        assertThat(link.pollTransmit()).as("a wait with nothing written sends nothing").isNull();
    }

    @Test
    void aRepeatedFlightFromThePeerIsAnsweredWithOurLastFlightAtMostOncePerInterval() {
        DtlsHandshakeLink link = new DtlsHandshakeLink(DtlsRole.SERVER, 1200);
        byte[] clientHello = handshake(0, 1, 0, 100, 0, 100);
        receive(link, clientHello, 0);
        engineSends(link, serverHello, certificate, helloDone);
        link.onEngineWaiting(MS);
        List<byte[]> flight = sent(link);
        assertThat(flight).hasSize(1);

        receive(link, handshake(1, 1, 0, 100, 0, 100), 30 * MS); // the client did not get our flight
        assertThat(sent(link)).containsExactlyElementsOf(flight);
        receive(link, handshake(2, 1, 0, 100, 0, 100), 31 * MS);
        assertThat(sent(link)).as("within %d ms of the last repeat", DtlsHandshakeLink.MIN_REPEAT_NANOS / MS).isEmpty();
        receive(link, handshake(3, 1, 0, 100, 0, 100), 30 * MS + DtlsHandshakeLink.MIN_REPEAT_NANOS);
        assertThat(sent(link)).containsExactlyElementsOf(flight);
        assertThat(link.figures().flightsRepeated()).isEqualTo(2);
    }

    @Test
    void aClientsFirstFlightGoesAgainShortlyAfterUnlessThePeerAnswered() {
        DtlsHandshakeLink link = new DtlsHandshakeLink(DtlsRole.CLIENT, 1200);
        byte[] clientHello = handshake(0, 1, 0, 100, 0, 100);
        engineSends(link, clientHello);
        link.onEngineWaiting(0);
        assertThat(sent(link)).hasSize(1);
        assertThat(link.nextTimeoutNanos()).isEqualTo(DtlsHandshakeLink.FIRST_FLIGHT_REPEAT_NANOS);
        link.handleTimeout(DtlsHandshakeLink.FIRST_FLIGHT_REPEAT_NANOS);
        assertThat(sent(link)).containsExactly(clientHello);
        assertThat(link.nextTimeoutNanos()).isEqualTo(Long.MAX_VALUE);

        DtlsHandshakeLink answered = new DtlsHandshakeLink(DtlsRole.CLIENT, 1200);
        engineSends(answered, clientHello);
        answered.onEngineWaiting(0);
        sent(answered);
        receive(answered, serverHello, MS);
        assertThat(answered.nextTimeoutNanos()).isEqualTo(Long.MAX_VALUE);
        answered.handleTimeout(DtlsHandshakeLink.FIRST_FLIGHT_REPEAT_NANOS);
        assertThat(sent(answered)).isEmpty();
    }

    @Test
    void aServerDoesNotRepeatItsFirstFlightUnasked() {
        DtlsHandshakeLink link = new DtlsHandshakeLink(DtlsRole.SERVER, 1200);
        receive(link, handshake(0, 1, 0, 100, 0, 100), 0);
        engineSends(link, serverHello);
        link.onEngineWaiting(MS);
        sent(link);
        assertThat(link.nextTimeoutNanos()).isEqualTo(Long.MAX_VALUE);
    }
}
