package dev.ingot.server.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP socket with its reader thread: every datagram goes to the handler, one at a time, on that thread.
 * Sending is thread-safe. Closing stops the reader and frees the port.
 */
public final class UdpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpEndpoint.class);
    private final DatagramChannel channel;
    private final int port;
    private volatile DatagramHandler handler;
    private volatile boolean closed;
    private Thread reader;

    private UdpEndpoint(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Binds to {@code host:port} (port 0: any free port). */
    public static UdpEndpoint bind(String host, int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 1024 * 1024);
            ch.bind(new InetSocketAddress(host, port));
            return new UdpEndpoint(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** Starts the reader thread, delivering to {@code h}. */
    public void start(String name, DatagramHandler h) {
        this.handler = h;
        reader = Thread.ofPlatform().daemon().name(name).start(this::readLoop);
    }

    private void readLoop() {
        byte[] buf = new byte[2048];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (!closed) {
            bb.clear();
            SocketAddress from;
            try {
                from = channel.receive(bb);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("udp port {} receive failed: {}", port, e.toString());
                }
                continue;
            }
            if (from instanceof InetSocketAddress isa) {
                try {
                    handler.onDatagram(buf, 0, bb.position(), isa, System.nanoTime());
                } catch (RuntimeException e) {
                    LOG.warn("udp port {}: datagram handler failed: {}", port, e.toString(), e);
                }
            }
        }
    }

    public void send(byte[] data, InetSocketAddress to) {
        if (closed || to == null) {
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(data), to);
        } catch (IOException e) {
            LOG.debug("udp port {} send to {} failed: {}", port, to, e.toString());
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("udp port {} close: {}", port, e.toString());
        }
    }
}
