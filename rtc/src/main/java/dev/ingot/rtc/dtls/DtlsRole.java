package dev.ingot.rtc.dtls;

/**
 * Which side of the DTLS handshake we take, decided by the SDP {@code a=setup} exchange (RFC 8842 §5):
 * an offer with {@code setup:actpass} makes us the {@link #SERVER}, one with {@code setup:passive} makes us
 * the {@link #CLIENT}.
 */
public enum DtlsRole {
    /** We send the ClientHello (the offer said {@code a=setup:passive}). */
    CLIENT,
    /** We wait for the ClientHello (the offer said {@code a=setup:actpass} or {@code active}). */
    SERVER
}
