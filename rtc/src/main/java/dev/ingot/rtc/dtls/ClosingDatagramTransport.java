package dev.ingot.rtc.dtls;

import java.io.IOException;

import org.bouncycastle.tls.DatagramTransport;

/**
 * Wraps the caller's transport so that, once Bouncy Castle closes it (after sending or receiving close_notify, or
 * after a fatal alert), every receive and send throws {@link DtlsTransportClosedException} instead of reaching the
 * caller's transport again. Without this a transport that kept returning -1 after close would make Bouncy Castle's
 * receive loop spin until its wait ran out.
 */
final class ClosingDatagramTransport implements DatagramTransport {
    private final DatagramTransport inner;
    private final HandshakeState state;
    private volatile boolean closed;

    ClosingDatagramTransport(DatagramTransport inner, HandshakeState state) {
        this.inner = inner;
        this.state = state;
    }

    @Override
    public int getReceiveLimit() throws IOException {
        return inner.getReceiveLimit();
    }

    @Override
    public int getSendLimit() throws IOException {
        return inner.getSendLimit();
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new DtlsTransportClosedException(state.peerSentCloseNotify());
        }
        try {
            return inner.receive(buf, off, len, waitMillis);
        } catch (IOException e) {
            if (closed) {
                // Closed while blocked: report the close, not however the caller's transport woke us.
                throw new DtlsTransportClosedException(state.peerSentCloseNotify());
            }
            throw e;
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new DtlsTransportClosedException(state.peerSentCloseNotify());
        }
        inner.send(buf, off, len);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            inner.close();
        }
    }
}
