package dev.ingot.server.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses Ingot advertises as ICE host candidates: every usable local address (up interfaces,
 * IPv4 and global IPv6, loopback included so local publishers connect), or the configured 1:1 NAT IPs
 * instead. The address the publisher's HTTP request reached goes first: FFmpeg's WHIP muxer tries only the
 * first candidate, and that address is known to be reachable from the publisher.
 */
public final class HostAddresses {
    private final List<String> natIps;

    public HostAddresses(List<String> natIps) {
        this.natIps = List.copyOf(natIps);
    }

    /** Addresses to advertise for a session whose offer arrived on {@code requestLocal} (may be null). */
    public List<String> forRequest(InetAddress requestLocal) {
        if (!natIps.isEmpty()) {
            return natIps;
        }
        Set<String> out = new LinkedHashSet<>();
        if (requestLocal != null && !requestLocal.isAnyLocalAddress() && usable(requestLocal)) {
            out.add(literal(requestLocal));
        }
        out.addAll(interfaceAddresses());
        return new ArrayList<>(out);
    }

    static List<String> interfaceAddresses() {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!usable(a)) {
                        continue;
                    }
                    (a instanceof Inet4Address ? v4 : v6).add(literal(a));
                }
            }
        } catch (SocketException e) {
            return List.of("127.0.0.1");
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return all;
    }

    private static boolean usable(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return false;
        }
        if (a instanceof Inet6Address six) {
            return !six.isLinkLocalAddress() && !six.isLoopbackAddress() && !six.isSiteLocalAddress();
        }
        // IPv4 link-local stays: test hosts in network namespaces and some LANs use it
        return true;
    }

    private static String literal(InetAddress a) {
        String s = a.getHostAddress();
        int pct = s.indexOf('%');
        return pct >= 0 ? s.substring(0, pct) : s;
    }
}
