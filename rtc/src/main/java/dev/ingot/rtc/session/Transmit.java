package dev.ingot.rtc.session;

import java.net.InetSocketAddress;

/** A datagram the session wants sent. */
public record Transmit(byte[] data, InetSocketAddress to) {
}
