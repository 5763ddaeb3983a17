package dev.ingot.rtc.dtls;

import java.io.IOException;

import org.bouncycastle.tls.DatagramTransport;

/**
 * A {@link DatagramTransport} that sends what the engine writes as flights (see {@link DtlsHandshakeLink}): it
 * holds the records written between two receives and sends them, packed, when the engine next waits. The handshake
 * tells it when its last flight is written, since no receive follows that one inside the handshake.
 */
public interface FlightTransport extends DatagramTransport {
    /** The engine wrote a whole flight and will not receive before it is sent: send it now. */
    void flightWritten() throws IOException;
}
