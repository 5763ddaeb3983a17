package dev.ingot.server.media;

import dev.ingot.server.net.DatagramHandler;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process impaired network in front of a session: each RTP/RTCP datagram is lost with some probability,
 * and every datagram is delayed by a random amount (which also reorders them). STUN and DTLS are delayed but
 * never dropped, so the handshake stays quick; media takes the full impairment.
 */
public final class ImpairedNetwork implements DatagramHandler {
    private final DatagramHandler next;
    private final double loss;
    private final long maxDelayNanos;
    private final SplittableRandom rng = new SplittableRandom(7);
    private final DelayQueue<Held> queue = new DelayQueue<>();
    public final AtomicLong dropped = new AtomicLong();
    public final AtomicLong passed = new AtomicLong();
    private final Thread thread;

    private record Held(byte[] data, InetSocketAddress from, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Held) o).dueNanos);
        }
    }

    public ImpairedNetwork(DatagramHandler next, double loss, long maxDelayNanos) {
        this.next = next;
        this.loss = loss;
        this.maxDelayNanos = maxDelayNanos;
        this.thread = Thread.ofPlatform().daemon().name("impaired-network").start(this::deliver);
    }

    @Override
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos) {
        int first = buf[off] & 0xff;
        boolean media = first >= 128 && first <= 191;
        synchronized (rng) {
            if (media && rng.nextDouble() < loss) {
                dropped.incrementAndGet();
                return;
            }
            long delay = (long) (rng.nextDouble() * maxDelayNanos);
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            queue.add(new Held(copy, from, System.nanoTime() + delay));
        }
    }

    private void deliver() {
        while (true) {
            Held h;
            try {
                h = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            passed.incrementAndGet();
            next.onDatagram(h.data, 0, h.data.length, h.from, System.nanoTime());
        }
    }

    public void stop() {
        thread.interrupt();
    }
}
