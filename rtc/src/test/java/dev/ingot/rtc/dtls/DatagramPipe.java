package dev.ingot.rtc.dtls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.bouncycastle.tls.DatagramTransport;

/**
 * Two in-memory, queue-backed {@link DatagramTransport} endpoints wired to each other, standing in for the
 * server's UDP loop in tests. Each endpoint can drop some of the datagrams it sends, to exercise retransmission.
 */
final class DatagramPipe {
    private static final byte[] CLOSED = new byte[0];
    private static final int MTU = 1200;

    final Endpoint left = new Endpoint("left");
    final Endpoint right = new Endpoint("right");

    DatagramPipe() {
        left.peer = right;
        right.peer = left;
    }

    /** One side of the pipe. */
    static final class Endpoint implements DatagramTransport {
        private final String name;
        private final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
        private final AtomicInteger dropsLeft = new AtomicInteger();
        private final AtomicInteger dropped = new AtomicInteger();
        private final AtomicInteger sent = new AtomicInteger();
        private volatile Predicate<byte[]> dropWhen = datagram -> false;
        private volatile Endpoint peer;
        private volatile boolean closed;

        private Endpoint(String name) {
            this.name = name;
        }

        /** Drops the first {@code count} datagrams this endpoint sends. */
        void dropFirstSent(int count) {
            dropSent(count, datagram -> true);
        }

        /** Drops up to {@code count} of the datagrams this endpoint sends that {@code match}. */
        void dropSent(int count, Predicate<byte[]> match) {
            dropWhen = match;
            dropsLeft.set(count);
        }

        int droppedCount() {
            return dropped.get();
        }

        int sentCount() {
            return sent.get();
        }

        boolean isClosed() {
            return closed;
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
                throw new EOFException(name + " closed");
            }
            byte[] datagram;
            try {
                datagram = waitMillis == 0 ? inbound.take() : inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(name + " interrupted");
            }
            if (datagram == null) {
                return -1;
            }
            if (datagram == CLOSED) {
                throw new EOFException(name + " closed");
            }
            int n = Math.min(len, datagram.length);
            System.arraycopy(datagram, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            if (closed) {
                throw new EOFException(name + " closed");
            }
            byte[] datagram = new byte[len];
            System.arraycopy(buf, off, datagram, 0, len);
            sent.incrementAndGet();
            if (dropWhen.test(datagram) && dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                dropped.incrementAndGet();
                return;
            }
            peer.inbound.add(datagram);
        }

        @Override
        public void close() {
            closed = true;
            inbound.add(CLOSED);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
