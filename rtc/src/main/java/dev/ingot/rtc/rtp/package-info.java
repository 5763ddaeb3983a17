/**
 * RTP packets (RFC 3550) and their RFC 8285 header extensions: a zero-copy {@link
 * dev.ingot.rtc.rtp.RtpPacket} view, a {@link dev.ingot.rtc.rtp.RtpPacketWriter}, and unwrappers for
 * sequence numbers and timestamps.
 */
package dev.ingot.rtc.rtp;
