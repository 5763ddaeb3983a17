package dev.ingot.rtc.dtls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two DTLS endpoints joined by a simulated network that delays each datagram by a random time (so datagrams
 * overtake each other) and drops some, seeded so a run can be repeated. Each endpoint either hands datagrams to
 * the engine as they come (Bouncy Castle alone) or puts a {@link DtlsHandshakeLink} between the two (what the
 * server does). Counts the records each engine writes: a handshake without retransmission writes a fixed number.
 */
final class ImpairedPipe implements AutoCloseable {
    private static final int MTU = 1200;

    private final ScheduledExecutorService network = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "impaired-pipe");
        t.setDaemon(true);
        return t;
    });
    private final Random random;
    private final int maxDelayMillis;
    private final double lossRate;
    final Endpoint server;
    final Endpoint client;

    /**
     * @param seed           seeds delays and losses
     * @param maxDelayMillis each datagram is delayed by 0 to this many ms, independently
     * @param lossRate       share of datagrams dropped, 0 to 1
     * @param withLink       whether the endpoints use a {@link DtlsHandshakeLink}
     */
    ImpairedPipe(long seed, int maxDelayMillis, double lossRate, boolean withLink) {
        this(seed, maxDelayMillis, lossRate, withLink, withLink);
    }

    /** As above, choosing for each side whether it has a link (a peer without one stands for another stack). */
    ImpairedPipe(long seed, int maxDelayMillis, double lossRate, boolean serverLink, boolean clientLink) {
        this.random = new Random(seed);
        this.maxDelayMillis = maxDelayMillis;
        this.lossRate = lossRate;
        this.server = new Endpoint(serverLink ? new DtlsHandshakeLink(DtlsRole.SERVER, MTU) : null);
        this.client = new Endpoint(clientLink ? new DtlsHandshakeLink(DtlsRole.CLIENT, MTU) : null);
        server.peer = client;
        client.peer = server;
    }

    private void carry(Endpoint from, byte[] datagram, Endpoint to) {
        int index = from.datagramsSent++;
        int[] order = from.reorder;
        if (order != null && index >= from.reorderFirst && index < from.reorderFirst + order.length) {
            from.reorderHeld[index - from.reorderFirst] = datagram;
            if (index == from.reorderFirst + order.length - 1) {
                for (int k : order) {
                    byte[] d = from.reorderHeld[k];
                    network.execute(() -> to.arrive(d));
                }
            }
            return;
        }
        double roll;
        int delay;
        synchronized (random) {
            roll = random.nextDouble();
            delay = maxDelayMillis == 0 ? 0 : random.nextInt(maxDelayMillis + 1);
        }
        if (roll < lossRate) {
            return;
        }
        network.schedule(() -> to.arrive(datagram), delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        network.shutdownNow();
        server.close();
        client.close();
    }

    /** One side: the engine's transport. */
    final class Endpoint implements FlightTransport {
        private final DtlsHandshakeLink link;
        private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
        private final AtomicInteger recordsWritten = new AtomicInteger();
        private Endpoint peer;
        private boolean closed;
        private int datagramsSent;
        private int reorderFirst;
        private int[] reorder;
        private byte[][] reorderHeld;

        private Endpoint(DtlsHandshakeLink link) {
            this.link = link;
        }

        /**
         * Holds the datagrams this side sends with indices {@code first} to {@code first + order.length - 1}
         * (counted from 0) until the last of them is sent, then delivers them at once in {@code order} (indices
         * relative to {@code first}). Call before the handshake starts.
         */
        void reorderSent(int first, int... order) {
            this.reorderFirst = first;
            this.reorder = order.clone();
            this.reorderHeld = new byte[order.length][];
        }

        int recordsWritten() {
            return recordsWritten.get();
        }

        DtlsHandshakeLink link() {
            return link;
        }

        private synchronized void arrive(byte[] datagram) {
            if (link != null) {
                link.onDatagramReceived(datagram, 0, datagram.length, System.nanoTime());
                transmit();
            } else {
                inbound.add(datagram);
            }
            notifyAll();
        }

        private void transmit() {
            byte[] d;
            while ((d = link.pollTransmit()) != null) {
                carry(this, d, peer);
            }
        }

        private byte[] next(long nowNanos) {
            if (link == null) {
                return inbound.poll();
            }
            if (nowNanos >= link.nextTimeoutNanos()) {
                link.handleTimeout(nowNanos);
            }
            link.onEngineWaiting(nowNanos);
            transmit();
            return link.pollRecordForEngine();
        }

        @Override
        public synchronized int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            long deadline = System.nanoTime() + (waitMillis == 0 ? Long.MAX_VALUE / 4 : waitMillis * 1_000_000L);
            while (true) {
                if (closed) {
                    throw new EOFException("closed");
                }
                long now = System.nanoTime();
                byte[] d = next(now);
                if (d != null) {
                    int n = Math.min(len, d.length);
                    System.arraycopy(d, 0, buf, off, n);
                    return n;
                }
                long until = Math.min(deadline, link == null ? Long.MAX_VALUE : link.nextTimeoutNanos());
                if (now >= deadline) {
                    return -1;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.max(until - now, 100_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
        }

        @Override
        public synchronized void send(byte[] buf, int off, int len) throws IOException {
            if (closed) {
                throw new EOFException("closed");
            }
            recordsWritten.incrementAndGet();
            if (link != null) {
                link.onEngineSent(buf, off, len);
            } else {
                byte[] d = new byte[len];
                System.arraycopy(buf, off, d, 0, len);
                carry(this, d, peer);
            }
        }

        @Override
        public synchronized void flightWritten() {
            if (link != null) {
                link.onEngineWaiting(System.nanoTime());
                transmit();
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

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
