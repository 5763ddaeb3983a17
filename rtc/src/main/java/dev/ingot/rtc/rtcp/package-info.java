/**
 * RTCP (RFC 3550 §6) and its feedback messages (RFC 4585, RFC 5104 FIR, REMB, transport-wide CC):
 * a sealed {@link dev.ingot.rtc.rtcp.RtcpPacket} family of records, {@link
 * dev.ingot.rtc.rtcp.RtcpParser} for compound packets, {@link dev.ingot.rtc.rtcp.RtcpWriter}, and
 * {@link dev.ingot.rtc.rtcp.NtpTime}.
 */
package dev.ingot.rtc.rtcp;
