/**
 * SRTP and SRTCP (RFC 3711) with the AES-CM/HMAC-SHA1 and AEAD AES-GCM (RFC 7714) transforms, keyed from a
 * DTLS-SRTP export (RFC 5764), built on the JCE alone.
 *
 * <p>{@link dev.ingot.rtc.srtp.SrtpKeyingMaterial} splits the exported keying material into the local and remote
 * master keys; an {@link dev.ingot.rtc.srtp.SrtpContext} protects (outbound) or unprotects (inbound) packets in place
 * and reports bad packets with an {@link dev.ingot.rtc.srtp.SrtpError} code instead of throwing.
 */
package dev.ingot.rtc.srtp;
