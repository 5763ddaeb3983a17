package dev.ingot.server.net;

import dev.ingot.rtc.stun.StunMessage;
import dev.ingot.rtc.stun.StunParseException;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@code SMELTER_WEBRTC_UDP_MUX_PORT}: one socket for every session. STUN checks are routed by the local ICE
 * ufrag (the part of USERNAME before the colon); everything else by the remote address that passed a check.
 * Datagrams that match no session are dropped without parsing further.
 */
public final class UdpMux implements DatagramHandler {
    private final UdpEndpoint endpoint;
    private final ConcurrentMap<String, SessionDriver> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetSocketAddress, SessionDriver> byAddress = new ConcurrentHashMap<>();
    private volatile long dropped;

    public UdpMux(UdpEndpoint endpoint) {
        this.endpoint = endpoint;
        endpoint.start("udp-mux-" + endpoint.port(), this);
    }

    public UdpEndpoint endpoint() {
        return endpoint;
    }

    public void add(String localUfrag, SessionDriver driver) {
        byUfrag.put(localUfrag, driver);
        driver.onAddressValidated(a -> byAddress.put(a, driver));
    }

    public void remove(SessionDriver driver) {
        byUfrag.values().removeIf(d -> d == driver);
        byAddress.values().removeIf(d -> d == driver);
    }

    public long dropped() {
        return dropped;
    }

    @Override
    public void onDatagram(byte[] buf, int off, int len, InetSocketAddress from, long nowNanos) {
        SessionDriver d = null;
        if (len > 0 && (buf[off] & 0xff) <= 3) {
            try {
                String user = StunMessage.parse(buf, off, len).username();
                if (user != null) {
                    int colon = user.indexOf(':');
                    d = byUfrag.get(colon < 0 ? user : user.substring(0, colon));
                }
            } catch (StunParseException e) {
                d = null;
            }
        } else {
            d = byAddress.get(from);
        }
        if (d == null) {
            dropped++;
            return;
        }
        d.onDatagram(buf, off, len, from, nowNanos);
    }
}
