/**
 * DTLS 1.2 for DTLS-SRTP (RFC 5764, RFC 8842) on Bouncy Castle, in both roles.
 *
 * <p>Flow: generate a {@link dev.ingot.rtc.dtls.DtlsCertificate} and announce its
 * {@link dev.ingot.rtc.dtls.DtlsCertificate#fingerprintSha256() fingerprint} in the SDP answer; parse the offer's
 * {@code a=fingerprint} lines into {@link dev.ingot.rtc.dtls.ExpectedFingerprint}s; pick the
 * {@link dev.ingot.rtc.dtls.DtlsRole} from {@code a=setup}; then, on a thread of its own, call
 * {@link dev.ingot.rtc.dtls.DtlsSrtpHandshake#handshake} with a datagram transport fed by the UDP loop. The
 * {@link dev.ingot.rtc.dtls.DtlsSrtpResult} gives the SRTP profile id and keying material; keep calling
 * {@code receive} on its transport until it throws.
 */
package dev.ingot.rtc.dtls;
