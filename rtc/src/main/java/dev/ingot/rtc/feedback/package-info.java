/**
 * Receive-side RTP feedback decisions, sans-IO (time is a {@code long nowNanos} parameter): receiver report
 * statistics (RFC 3550 §6.4.1, Appendix A.1/A.3/A.8), generic NACK (RFC 4585 §6.2.1), keyframe requests
 * (PLI, RFC 4585 §6.3.1; FIR, RFC 5104 §4.3.1), transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) and a simple REMB
 * (draft-alvestrand-rmcat-remb-03) advertiser.
 *
 * <p>The classes here decide <em>what</em> to report and <em>when</em>; they produce plain values
 * ({@link dev.ingot.rtc.feedback.ReportBlockValues}, lists of sequence numbers,
 * {@link dev.ingot.rtc.feedback.TransportCcBatch}, {@link dev.ingot.rtc.feedback.KeyframeRequest}) whose fields
 * carry the RFC names, for the RTCP writer to serialize. None of them reads a clock or owns a thread; each
 * instance is meant to be used from one thread (the session's event loop).
 */
package dev.ingot.rtc.feedback;
