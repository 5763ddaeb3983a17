/**
 * STUN message codec (RFC 8489, formerly RFC 5389) with the ICE attributes of RFC 8445 §16.1:
 * a zero-copy parser ({@link dev.ingot.rtc.stun.StunMessage}), a writer
 * ({@link dev.ingot.rtc.stun.StunMessageWriter}) and the short-term credential HMAC
 * ({@link dev.ingot.rtc.stun.MessageIntegrityKey}). No I/O, no clock.
 */
package dev.ingot.rtc.stun;
