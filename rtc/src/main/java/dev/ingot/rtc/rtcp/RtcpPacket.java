package dev.ingot.rtc.rtcp;

/**
 * One RTCP packet of a compound packet (RFC 3550 §6), or a feedback message (RFC 4585 §6, RFC 5104
 * §4.3.1, REMB, transport-wide congestion control). {@link RtcpParser} reads them, {@link
 * RtcpWriter} writes them; {@link Unknown} stands for every type this package does not model.
 *
 * <p>SSRCs and other unsigned 32-bit fields are non-negative {@code long}s.
 */
public sealed interface RtcpPacket
        permits SenderReport, ReceiverReport, SourceDescription, Bye, GenericNack, PictureLossIndication,
                FullIntraRequest, ReceiverEstimatedMaxBitrate, TransportCcFeedback, Unknown {

    /** Sender report, RFC 3550 §6.4.1. */
    int TYPE_SR = 200;
    /** Receiver report, RFC 3550 §6.4.2. */
    int TYPE_RR = 201;
    /** Source description, RFC 3550 §6.5. */
    int TYPE_SDES = 202;
    /** Goodbye, RFC 3550 §6.6. */
    int TYPE_BYE = 203;
    /** Application-defined, RFC 3550 §6.7. */
    int TYPE_APP = 204;
    /** Transport layer feedback, RFC 4585 §6.2. */
    int TYPE_RTPFB = 205;
    /** Payload-specific feedback, RFC 4585 §6.3. */
    int TYPE_PSFB = 206;
    /** Extended reports, RFC 3611. */
    int TYPE_XR = 207;

    /** RTPFB FMT of the generic NACK, RFC 4585 §6.2.1. */
    int FMT_NACK = 1;
    /** RTPFB FMT of transport-wide CC feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1. */
    int FMT_TRANSPORT_CC = 15;
    /** PSFB FMT of the picture loss indication, RFC 4585 §6.3.1. */
    int FMT_PLI = 1;
    /** PSFB FMT of the full intra request, RFC 5104 §4.3.1. */
    int FMT_FIR = 4;
    /** PSFB FMT of application layer feedback (REMB), RFC 4585 §6.4. */
    int FMT_AFB = 15;
}
