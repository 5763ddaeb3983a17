package dev.ingot.rtc.dtls;

import org.bouncycastle.tls.DTLSTransport;

/**
 * Outcome of a completed DTLS-SRTP handshake (RFC 5764 §4.2).
 *
 * <p>{@code keyingMaterial} is the {@code EXTRACTOR-dtls_srtp} export, laid out as
 * {@code client_write_master_key | server_write_master_key | client_write_master_salt | server_write_master_salt}
 * with the lengths of {@link SrtpProfileIds#masterKeyLength} and {@link SrtpProfileIds#masterSaltLength}. Media we
 * receive is protected with the <em>peer's</em> write keys: the client's when we are the server.
 *
 * <p>{@code transport} is the established association. Keep calling {@link DTLSTransport#receive} on it with
 * incoming DTLS datagrams flowing into the underlying transport: that is what answers a peer that retransmits its
 * last flight because ours was lost. {@code receive} returns -1 when {@code waitMillis} passes with no application
 * data (0 waits forever), throws {@link DtlsTransportClosedException} once the peer sent close_notify
 * ({@code closedByPeer() == true}) or we called {@link DTLSTransport#close()}, also from another thread while a
 * receive is blocked ({@code false}), and throws another {@link java.io.IOException} (e.g.
 * {@link org.bouncycastle.tls.TlsFatalAlertReceived}) when the association failed. Either exception means: stop, it
 * is over. Application data is not expected on a WHIP ingest association; any that arrives is returned.
 *
 * @param srtpProtectionProfileId negotiated profile, one of {@link SrtpProfileIds}
 * @param keyingMaterial          exported SRTP keying material, {@link SrtpProfileIds#keyingMaterialLength} bytes
 * @param transport               the DTLS association, for close_notify and retransmissions
 */
public record DtlsSrtpResult(int srtpProtectionProfileId, byte[] keyingMaterial, DTLSTransport transport) {

    /** Hides the keys so that logging a result cannot leak them. */
    @Override
    public String toString() {
        return "DtlsSrtpResult[profile=" + SrtpProfileIds.name(srtpProtectionProfileId)
                + ", keyingMaterial=" + keyingMaterial.length + " bytes]";
    }
}
