package dev.ingot.server.net;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Bouncy Castle's blocking DTLS engine meets Ingot's event-driven socket loop here: DTLS records the loop
 * receives are {@link #offer offered} into a small bounded queue which the DTLS thread reads; what the DTLS
 * thread sends goes straight to a sender (the session's socket, towards the ICE-selected address).
 */
public final class QueueDatagramTransport implements DatagramTransport {
    private static final int MTU = 1200;
    private static final byte[] CLOSED = new byte[0];
    private final BlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(64);
    private final Consumer<byte[]> sender;
    private volatile boolean closed;

    public QueueDatagramTransport(Consumer<byte[]> sender) {
        this.sender = sender;
    }

    /** Hands a received DTLS record to the DTLS thread; drops it when the queue is full (DTLS retransmits). */
    public boolean offer(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        return inbound.offer(copy);
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        try {
            byte[] d = inbound.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
            if (d == null) {
                return -1;
            }
            if (d == CLOSED) {
                throw new IOException("transport closed");
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        sender.accept(copy);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inbound.clear();
            inbound.offer(CLOSED);
        }
    }
}
