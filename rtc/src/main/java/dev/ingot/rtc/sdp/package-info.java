/**
 * The SDP layer of Ingot's WHIP server, sans-IO: parse a publisher's offer
 * ({@link dev.ingot.rtc.sdp.SessionDescription#parse}, RFC 8866 as JSEP/RFC 8829 uses it), negotiate and
 * write the recvonly answer ({@link dev.ingot.rtc.sdp.OfferNegotiation#negotiate}, RFC 3264, RFC 9143
 * BUNDLE, RFC 8842 DTLS setup, RFC 9725 §4.2), and parse/write trickle-ICE fragments for PATCH
 * ({@link dev.ingot.rtc.sdp.TrickleFragment}, RFC 8840, RFC 9725 §4.3).
 *
 * <p>Errors: text that is not SDP raises {@link dev.ingot.rtc.sdp.SdpParseException} (HTTP 400); valid
 * SDP this server cannot accept raises {@link dev.ingot.rtc.sdp.OfferRejectedException} with a
 * {@link dev.ingot.rtc.sdp.OfferRejectedException.Reason} (HTTP 422). No other exception escapes on
 * any input.
 */
package dev.ingot.rtc.sdp;
