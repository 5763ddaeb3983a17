package dev.ingot.server.net;

import java.net.InetSocketAddress;

/** Whoever takes the datagrams a {@link UdpEndpoint} receives. Called on the endpoint's reader thread. */
@FunctionalInterface
public interface DatagramHandler {
    void onDatagram(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos);
}
