package dev.ingot.server.net;

import dev.ingot.server.config.PortRange;
import java.io.IOException;
import java.net.BindException;
import java.util.Optional;

/**
 * Hands out UDP sockets for sessions: from {@code SMELTER_WEBRTC_UDP_PORT_RANGE} (trying each port of the range,
 * starting after the last one given out), or any free port when no range is configured.
 */
public final class UdpPorts {
    private final String host;
    private final Optional<PortRange> range;
    private int next;

    public UdpPorts(String host, Optional<PortRange> range) {
        this.host = host;
        this.range = range;
        this.next = range.map(PortRange::start).orElse(0);
    }

    public synchronized UdpEndpoint open() throws IOException {
        if (range.isEmpty()) {
            return UdpEndpoint.bind(host, 0);
        }
        PortRange r = range.get();
        for (int i = 0; i < r.size(); i++) {
            int port = next;
            next = next >= r.end() ? r.start() : next + 1;
            try {
                return UdpEndpoint.bind(host, port);
            } catch (BindException e) {
                // in use: try the next one
            }
        }
        throw new IOException("no free UDP port in SMELTER_WEBRTC_UDP_PORT_RANGE " + r.start() + ":" + r.end());
    }
}
