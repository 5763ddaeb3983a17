/**
 * ICE-lite (RFC 8445 §2.5) in the controlled role, with the responder side of ICE consent freshness
 * (RFC 7675): {@link dev.ingot.rtc.ice.IceLiteAgent} answers connectivity checks and tells which remote
 * address media may come from. Sans-IO: datagrams in, datagrams out, time as a parameter.
 */
package dev.ingot.rtc.ice;
