package dev.ingot.rtc.rtcp;

/**
 * A packet of a compound packet this package does not model (APP, XR, other feedback messages):
 * parsing records its type and the 5-bit count/FMT field and goes on to the next packet. It cannot
 * be written.
 *
 * @param packetType the packet type byte (RFC 3550 §6.4.1 "PT")
 * @param subtype the 5-bit count / FMT field
 * @param length the packet's length in bytes, header and padding included
 */
public record Unknown(int packetType, int subtype, int length) implements RtcpPacket {
}
