package dev.ingot.server.net;

import dev.ingot.rtc.dtls.DtlsHandshakeLink;
import dev.ingot.rtc.dtls.DtlsRole;
import dev.ingot.rtc.dtls.FlightTransport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Bouncy Castle's blocking DTLS engine meets Ingot's event-driven socket loop here. Everything DTLS-specific is
 * in the sans-IO {@link DtlsHandshakeLink} (record order, flights, repeats); this class only feeds it: DTLS
 * datagrams the loop receives are {@link #offer offered} to it, the engine's receive takes the records it hands
 * over (waiting on a condition, and running the link's timers while it waits), and what the link sends goes to
 * the sender (the session's socket, towards the ICE-selected address).
 */
public final class QueueDatagramTransport implements FlightTransport {
    private static final int MTU = 1200;

    private final DtlsHandshakeLink link;
    private final Consumer<byte[]> sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private volatile boolean closed;

    public QueueDatagramTransport(DtlsRole role, Consumer<byte[]> sender) {
        this.link = new DtlsHandshakeLink(role, MTU);
        this.sender = sender;
    }

    /** Hands a received DTLS datagram to the link (which bounds what waits for the engine). */
    public boolean offer(byte[] buf, int off, int len) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            link.onDatagramReceived(buf, off, len, System.nanoTime());
            transmit();
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. */
    private void transmit() {
        byte[] d;
        while ((d = link.pollTransmit()) != null) {
            if (!closed) {
                sender.accept(d);
            }
        }
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    /** Waits up to {@code waitMillis} (0: until something arrives or the transport closes) for the next record. */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + (waitMillis <= 0 ? Long.MAX_VALUE / 4 : waitMillis * 1_000_000L);
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("transport closed");
                }
                long now = System.nanoTime();
                if (now >= link.nextTimeoutNanos()) {
                    link.handleTimeout(now);
                }
                link.onEngineWaiting(now);
                transmit();
                byte[] record = link.pollRecordForEngine();
                if (record != null) {
                    int n = Math.min(len, record.length);
                    System.arraycopy(record, 0, buf, off, n);
                    return n;
                }
                if (now >= deadline) {
                    return -1;
                }
                long until = Math.min(deadline, link.nextTimeoutNanos());
                arrived.awaitNanos(Math.max(until - now, 100_000L));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        lock.lock();
        try {
            link.onEngineSent(buf, off, len);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flightWritten() {
        lock.lock();
        try {
            link.onEngineWaiting(System.nanoTime());
            transmit();
        } finally {
            lock.unlock();
        }
    }

    /** What the link saw and did so far. */
    public DtlsHandshakeLink.Figures figures() {
        lock.lock();
        try {
            return link.figures();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                // a close_notify the engine wrote just before closing goes out
                link.onEngineWaiting(System.nanoTime());
                transmit();
                closed = true;
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
