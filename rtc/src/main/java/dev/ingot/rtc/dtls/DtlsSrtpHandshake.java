package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Runs a DTLS 1.2 handshake for DTLS-SRTP (RFC 5764, RFC 8842) in either role over a caller-supplied datagram
 * transport, and returns the negotiated SRTP profile and keying material.
 *
 * <p>The call blocks until the handshake completes, fails or times out; run it on a thread of its own (a virtual
 * thread). This package creates no threads or sockets; Bouncy Castle's DTLS code reads the wall clock itself for its
 * retransmission timers.
 *
 * <p>What the caller's {@link DatagramTransport} must do:
 * <ul>
 *   <li>{@code receive(buf, off, len, waitMillis)} copies one whole DTLS datagram (truncated to {@code len}) and
 *       returns its length, or returns -1 after {@code waitMillis} with nothing received; {@code waitMillis == 0}
 *       means wait until a datagram arrives or the transport is closed. Returning -1 early is allowed but makes
 *       Bouncy Castle poll.</li>
 *   <li>{@code send} hands one datagram to the network (never blocks for long); {@code getSendLimit} is the
 *       largest datagram to send (e.g. 1200 for WebRTC paths), {@code getReceiveLimit} the largest to accept.</li>
 *   <li>{@code close()} is called when the association ends (close_notify, fatal alert or failed handshake) and
 *       should wake a {@code receive} that is blocked. After that this package never calls the transport
 *       again: later receives and sends on the returned {@link DTLSTransport} throw
 *       {@link DtlsTransportClosedException}.</li>
 *   <li>A {@link FlightTransport} is told when the handshake's last flight is written.</li>
 *   <li>To abort a handshake in progress (session deleted), make {@code receive} throw an {@link IOException} or
 *       interrupt the handshake thread so that a blocking {@code receive} throws {@link InterruptedIOException}.</li>
 * </ul>
 */
public final class DtlsSrtpHandshake {

    private DtlsSrtpHandshake() {
    }

    /** {@link #handshake(DtlsRole, DatagramTransport, DtlsCertificate, List, SecureRandom, DtlsSrtpOptions)} with
     * {@link DtlsSrtpOptions#defaults(DtlsRole)}. */
    public static DtlsSrtpResult handshake(DtlsRole role, DatagramTransport transport, DtlsCertificate local,
                                           List<ExpectedFingerprint> remote, SecureRandom rng)
            throws DtlsHandshakeException {
        return handshake(role, transport, local, remote, rng, DtlsSrtpOptions.defaults(role));
    }

    /**
     * Performs the handshake.
     *
     * @param role      {@link DtlsRole#SERVER} when the offer said {@code setup:actpass}, {@link DtlsRole#CLIENT}
     *                  when it said {@code setup:passive}
     * @param transport datagrams to and from the peer (see the class comment for what it must do)
     * @param local     our certificate, whose fingerprint our SDP answer announced
     * @param remote    the fingerprints of the peer's SDP; the peer's certificate must match one of them
     * @param rng       randomness for the handshake
     * @param options   SRTP profiles and timers
     * @throws DtlsHandshakeException when the handshake fails; the transport has then been closed
     * @throws IllegalArgumentException when {@code remote} is empty
     */
    public static DtlsSrtpResult handshake(DtlsRole role, DatagramTransport transport, DtlsCertificate local,
                                           List<ExpectedFingerprint> remote, SecureRandom rng,
                                           DtlsSrtpOptions options) throws DtlsHandshakeException {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(options, "options");
        List<ExpectedFingerprint> expected = List.copyOf(remote);
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("the peer's SDP must give at least one fingerprint");
        }

        HandshakeState state = new HandshakeState(expected);
        BcTlsCrypto crypto = new BcTlsCrypto(rng);
        ClosingDatagramTransport closing = new ClosingDatagramTransport(transport, state);
        String who = role == DtlsRole.SERVER ? "DTLS server" : "DTLS client";
        DTLSTransport dtls;
        try {
            dtls = switch (role) {
                case SERVER -> new DTLSServerProtocol().accept(
                        new SrtpDtlsServer(crypto, local, options, state), closing);
                case CLIENT -> new DTLSClientProtocol().connect(
                        new SrtpDtlsClient(crypto, local, options, state), closing);
            };
            if (transport instanceof FlightTransport flights) {
                // our last flight (a server's Finished) was written after the engine's last receive
                flights.flightWritten();
            }
        } catch (IOException e) {
            throw describe(who, e, state, options);
        }

        byte[] keyingMaterial = state.keyingMaterial();
        if (keyingMaterial == null) {
            try {
                dtls.close();
            } catch (IOException ignored) {
                // Failing anyway.
            }
            throw new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED,
                    who + ": handshake completed without SRTP keying material", null);
        }
        return new DtlsSrtpResult(state.srtpProfileId(), keyingMaterial, dtls);
    }

    private static DtlsHandshakeException describe(String who, IOException e, HandshakeState state,
                                                   DtlsSrtpOptions options) {
        if (state.failureReason() != null) {
            return new DtlsHandshakeException(state.failureReason(), who + ": " + state.failureMessage(), e);
        }
        if (e instanceof TlsFatalAlertReceived alert) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.ALERT_RECEIVED,
                    who + ": peer aborted the handshake with alert "
                            + AlertDescription.getText(alert.getAlertDescription()), e);
        }
        if (e instanceof TlsTimeoutException) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.TIMEOUT,
                    who + ": handshake did not complete within " + options.handshakeTimeoutMillis() + " ms", e);
        }
        return new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED, who + ": handshake failed: " + e, e);
    }
}
