package dev.ingot.media.payload;

import java.util.Objects;

/**
 * One received RTP packet as the media path sees it (RFC 3550 §5.1): already authenticated, parsed, and
 * unwrapped from RTX (RFC 4588) when it was a retransmission, so {@code sequenceNumber} and {@code timestamp}
 * are the original stream's.
 *
 * <p>The payload is {@code payload[payloadOffset .. payloadOffset + payloadLength)}, without the RTP header,
 * header extensions or padding. The array is only read and may be the datagram the packet arrived in; it must
 * not change while the packet is held (in a {@code JitterBuffer} or until {@code Depacketizer.push} returns).
 * A padding-only packet is pushed with {@code payloadLength == 0}: it carries no media but keeps the sequence
 * numbers contiguous, so dropping it upstream would look like loss.
 *
 * @param sequenceNumber 16-bit RTP sequence number (0..65535)
 * @param timestamp 32-bit RTP timestamp (0..2^32-1)
 * @param marker the RTP marker bit (end of a video frame; RFC 6184/7741/9628)
 * @param payloadType 7-bit RTP payload type
 * @param ssrc 32-bit SSRC (0..2^32-1)
 * @param arrivalNanos when the packet arrived, on the caller's monotonic clock (the same clock as every
 *     {@code nowNanos} given to the jitter buffer)
 */
public record RtpMedia(int sequenceNumber, long timestamp, boolean marker, int payloadType, long ssrc,
                       byte[] payload, int payloadOffset, int payloadLength, long arrivalNanos) {

    /** Checks the ranges; a value out of range is a caller bug, not bad input from the network. */
    public RtpMedia {
        Objects.requireNonNull(payload, "payload");
        if ((sequenceNumber & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("sequence number out of range: " + sequenceNumber);
        }
        if ((timestamp & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("timestamp out of range: " + timestamp);
        }
        if ((payloadType & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        if ((ssrc & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("ssrc out of range: " + ssrc);
        }
        Objects.checkFromIndexSize(payloadOffset, payloadLength, payload.length);
    }

    /** A packet whose payload is the whole array (convenient in tests and for copied payloads). */
    public static RtpMedia of(int sequenceNumber, long timestamp, boolean marker, int payloadType, long ssrc,
                              byte[] payload, long arrivalNanos) {
        return new RtpMedia(sequenceNumber, timestamp, marker, payloadType, ssrc, payload, 0, payload.length,
                arrivalNanos);
    }

    /** The payload byte at {@code i} (0-based within the payload), as an unsigned value. */
    public int payloadByte(int i) {
        return payload[payloadOffset + i] & 0xFF;
    }
}
