package dev.ingot.rtc.sdp;

/**
 * Which DTLS side Ingot takes (RFC 5763 §5, RFC 8842 §5): an offer with {@code a=setup:actpass} or
 * {@code active} makes us the server (we answer {@code passive}); {@code passive} makes us the client.
 */
public enum DtlsRole {
    CLIENT, SERVER
}
