package dev.ingot.rtc.dtls;

import java.io.IOException;

/**
 * Thrown by {@link org.bouncycastle.tls.DTLSTransport#receive} (and {@code send}) of a handshake result once the
 * DTLS association is closed: either the peer sent close_notify (RFC 6347 §4.1 via RFC 5246 §7.2.1), or we closed
 * it ourselves.
 */
public final class DtlsTransportClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean closedByPeer;

    DtlsTransportClosedException(boolean closedByPeer) {
        super(closedByPeer ? "DTLS peer sent close_notify" : "DTLS transport closed");
        this.closedByPeer = closedByPeer;
    }

    /** True when the peer's close_notify closed the association, false when we closed it. */
    public boolean closedByPeer() {
        return closedByPeer;
    }
}
