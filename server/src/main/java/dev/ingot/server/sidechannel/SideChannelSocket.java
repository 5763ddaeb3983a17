package dev.ingot.server.sidechannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening Unix domain socket of a side channel (an input's video or its audio) and the readers connected to
 * it. Every message offered goes to every reader connected at that moment, through that reader's own bounded
 * queue. The socket file exists from {@link #open} until {@link #close}.
 */
final class SideChannelSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SideChannelSocket.class);
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final Path path;
    private final Object fileKey; // the socket file's identity (device, inode), to remove only our own file
    private final String name;
    private final int capacity;
    private final ServerSocketChannel server;
    private final List<ReaderConnection> readers = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private SideChannelSocket(Path path, String name, int capacity, ServerSocketChannel server, Object fileKey) {
        this.path = path;
        this.fileKey = fileKey;
        this.name = name;
        this.capacity = capacity;
        this.server = server;
        this.acceptor = Thread.ofVirtual().name(name + "-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds a listening socket at {@code path} (a stale file there is replaced) and starts accepting readers.
     *
     * @param capacity how many messages each reader may have waiting
     */
    static SideChannelSocket open(Path path, String name, int capacity) throws IOException {
        ServerSocketChannel server = null;
        boolean bound = false;
        Object fileKey;
        try {
            Files.deleteIfExists(path); // a stale socket file, e.g. left by a crash
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            bound = true;
            fileKey = fileKey(path);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (bound) {
                Files.deleteIfExists(path);
            }
            throw new IOException("cannot listen on side-channel socket " + path + ": " + e.getMessage(), e);
        }
        SideChannelSocket socket = new SideChannelSocket(path, name, capacity, server, fileKey);
        socket.acceptor.start();
        LOG.info("{} side channel listening on {}", name, path);
        return socket;
    }

    /** The file's identity, null if there is no file at {@code path}. */
    private static Object fileKey(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void acceptLoop() {
        long failures = 0;
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // e.g. too many open files: back off instead of spinning, keep serving the readers we have
                LOG.warn("{} side channel: accept failed: {}", name, e.toString());
                try {
                    Thread.sleep(Math.min(1000, 10L << Math.min(failures++, 6)));
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            failures = 0;
            long number = accepted.incrementAndGet();
            ReaderConnection reader = new ReaderConnection(number, name, client, capacity, sent, dropped,
                    readers::remove);
            readers.add(reader);
            if (closed) { // close() may have run between accept and add
                reader.close();
                return;
            }
            reader.start();
            LOG.info("{} reader {} connected ({} now)", name, number, readers.size());
        }
    }

    Path path() {
        return path;
    }

    boolean hasReaders() {
        return !readers.isEmpty();
    }

    /**
     * Reserves a queue place with every connected reader that has room (counting a drop for each that has
     * none) and returns those readers; their places must then be filled with {@link ReaderConnection#fill}.
     */
    List<ReaderConnection> reserve() {
        List<ReaderConnection> takers = null;
        for (ReaderConnection r : readers) {
            if (r.reserve()) {
                if (takers == null) {
                    takers = new ArrayList<>(2);
                }
                takers.add(r);
            }
        }
        return takers == null ? List.of() : takers;
    }

    SocketStats stats() {
        return new SocketStats(true, readers.size(), accepted.get(), sent.get(), dropped.get());
    }

    /** Stops accepting, disconnects every reader, releases what they hold and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("{} side channel close: {}", name, e.toString());
        }
        try {
            Object now = fileKey(path);
            if (now != null && (fileKey == null || now.equals(fileKey))) {
                Files.deleteIfExists(path);
            } else if (now != null) {
                LOG.warn("{} side channel: {} was replaced by another file; leaving it", name, path);
            }
        } catch (IOException e) {
            LOG.warn("{} side channel: cannot remove {}: {}", name, path, e.toString());
        }
        List<ReaderConnection> all = List.copyOf(readers);
        for (ReaderConnection r : all) {
            r.close();
        }
        try {
            acceptor.join(java.time.Duration.ofMillis(CLOSE_WAIT_MILLIS));
            for (ReaderConnection r : all) {
                if (!r.awaitWriterEnd(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("{} side channel: a reader's writer did not stop in time", name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("{} side channel closed ({} readers served, {} messages sent, {} dropped)", name, accepted.get(),
                sent.get(), dropped.get());
    }
}
