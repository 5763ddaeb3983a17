package dev.ingot.server.sidechannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected side-channel reader: a small bounded queue and a virtual thread that writes the queue to the
 * reader's socket. Producers never wait: when the queue is full the new message is dropped for this reader only
 * (as Smelter's {@code try_send}), so a slow, stuck or vanished reader costs nobody else anything.
 */
final class ReaderConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ReaderConnection.class);

    private final long number;
    private final String name;
    private final SocketChannel channel;
    private final int capacity;
    private final AtomicLong socketSent;
    private final AtomicLong socketDropped;
    private final Consumer<ReaderConnection> onClosed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<OutgoingMessage> queue;
    private boolean closed;
    private String closeReason;
    private long sent;
    private long dropped;
    private boolean dropping;
    private int reserved;
    private volatile Thread writer;

    ReaderConnection(long number, String name, SocketChannel channel, int capacity, AtomicLong socketSent,
            AtomicLong socketDropped, Consumer<ReaderConnection> onClosed) {
        this.number = number;
        this.name = name;
        this.channel = channel;
        this.capacity = capacity;
        this.socketSent = socketSent;
        this.socketDropped = socketDropped;
        this.onClosed = onClosed;
        this.queue = new ArrayDeque<>(capacity);
    }

    void start() {
        writer = Thread.ofVirtual().name(name + "-reader-" + number).start(this::writeLoop);
        Thread.ofVirtual().name(name + "-reader-" + number + "-eof").start(this::watchForEnd);
    }

    /**
     * Readers send nothing; reading still tells us at once when one goes away (end of stream or an error), so a
     * vanished reader is removed even while no media flows. Anything a reader does send is discarded.
     */
    private void watchForEnd() {
        ByteBuffer scratch = ByteBuffer.allocate(256);
        try {
            while (channel.read(scratch.clear()) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // gone, or closed by us
        }
        close("reader left");
    }

    /**
     * Reserves a place in this reader's queue for the next message, or counts a drop when the queue is full.
     * False also when the reader is gone. Never blocks on the socket. A reservation is then filled with
     * {@link #fill}; producers reserve first so that they know how many references a message needs before
     * any writer thread can touch it.
     */
    boolean reserve() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (queue.size() + reserved >= capacity) {
                dropped++;
                socketDropped.incrementAndGet();
                if (!dropping) {
                    dropping = true;
                    LOG.debug("{} reader {} is not keeping up: dropping messages for it", name, number);
                }
                return false;
            }
            dropping = false;
            reserved++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts {@code message} in a place taken with {@link #reserve()}. Returns false if the reader went away
     * meanwhile; the caller then still owns the message and releases it.
     */
    boolean fill(OutgoingMessage message) {
        lock.lock();
        try {
            reserved--;
            if (closed) {
                return false;
            }
            queue.addLast(message);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a place taken with {@link #reserve()} that will not be filled. */
    void cancel() {
        lock.lock();
        try {
            reserved--;
        } finally {
            lock.unlock();
        }
    }

    private OutgoingMessage take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                notEmpty.await();
            }
            return closed ? null : queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        String failure = null;
        try {
            OutgoingMessage m;
            while ((m = take()) != null) {
                try {
                    m.writeTo(channel);
                } finally {
                    m.release();
                }
                countSent();
            }
        } catch (ClosedChannelException e) {
            // closed by us or by the end-of-stream watcher: the reason is already set
        } catch (IOException e) {
            failure = "reader gone (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            failure = "interrupted";
        } catch (RuntimeException e) {
            failure = "writer failed (" + e + ")";
            LOG.warn("{} reader {} writer failed", name, number, e);
        } finally {
            close(failure == null ? "closed" : failure);
            String why;
            lock.lock();
            try {
                why = closeReason;
            } finally {
                lock.unlock();
            }
            LOG.info("{} reader {} disconnected: {}; sent {}, dropped {}", name, number, why, sent(), dropped());
        }
    }

    private void countSent() {
        lock.lock();
        try {
            sent++;
        } finally {
            lock.unlock();
        }
        socketSent.incrementAndGet();
    }

    /**
     * Disconnects the reader: releases what is queued and closes the socket, which also ends a write that is
     * blocked on a reader that stopped reading. Idempotent; the writer thread releases its message as it ends.
     */
    void close() {
        close("closed by the server");
    }

    private void close(String why) {
        ArrayDeque<OutgoingMessage> pending;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeReason = why;
            pending = new ArrayDeque<>(queue);
            queue.clear();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        for (OutgoingMessage m : pending) {
            m.release();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("{} reader {} close: {}", name, number, e.toString());
        }
        onClosed.accept(this);
    }

    /** Waits (bounded) for the writer thread to end after {@link #close()}, so its message is released. */
    boolean awaitWriterEnd(long timeout, TimeUnit unit) throws InterruptedException {
        Thread w = writer;
        return w == null || w.join(java.time.Duration.ofNanos(unit.toNanos(timeout)));
    }

    long sent() {
        lock.lock();
        try {
            return sent;
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
