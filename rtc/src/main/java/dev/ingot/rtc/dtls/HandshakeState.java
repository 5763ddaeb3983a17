package dev.ingot.rtc.dtls;

import java.util.List;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * What one handshake learned, shared by our Bouncy Castle peer (client or server), the transport wrapper and
 * {@link DtlsSrtpHandshake}: the failure we diagnosed, the chosen SRTP profile, the exported keys, and whether the
 * peer sent close_notify. Written on the handshake thread; read after it (or by the caller's receive loop).
 */
final class HandshakeState {
    private final List<ExpectedFingerprint> expectedFingerprints;

    private volatile DtlsHandshakeException.Reason failureReason;
    private volatile String failureMessage;
    private volatile int srtpProfileId = -1;
    private volatile byte[] keyingMaterial;
    private volatile boolean peerSentCloseNotify;

    HandshakeState(List<ExpectedFingerprint> expectedFingerprints) {
        this.expectedFingerprints = expectedFingerprints;
    }

    /** Records why we abort and returns the fatal alert to throw at Bouncy Castle. */
    TlsFatalAlert fail(DtlsHandshakeException.Reason reason, short alert, String message) {
        if (failureReason == null) {
            failureReason = reason;
            failureMessage = message;
        }
        return new TlsFatalAlert(alert, message);
    }

    /**
     * Checks the peer's end-entity certificate against the SDP fingerprints (RFC 8842 §5): any one matching
     * is enough. An empty chain or a mismatch aborts the handshake.
     */
    void verifyPeerCertificate(Certificate chain) throws TlsFatalAlert {
        if (chain == null || chain.isEmpty()) {
            throw fail(DtlsHandshakeException.Reason.NO_PEER_CERTIFICATE, AlertDescription.handshake_failure,
                    "peer sent no certificate; its SDP fingerprint cannot be checked");
        }
        byte[] der;
        try {
            der = chain.getCertificateAt(0).getEncoded();
        } catch (java.io.IOException e) {
            throw fail(DtlsHandshakeException.Reason.FAILED, AlertDescription.bad_certificate,
                    "cannot encode the peer certificate: " + e.getMessage());
        }
        for (ExpectedFingerprint expected : expectedFingerprints) {
            if (expected.matches(der)) {
                return;
            }
        }
        ExpectedFingerprint first = expectedFingerprints.get(0);
        throw fail(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH, AlertDescription.bad_certificate,
                "certificate fingerprint mismatch: the peer's certificate has " + first.hashAlgorithm() + " "
                        + DtlsCertificate.formatFingerprint(DtlsCertificate.fingerprint(first.hashAlgorithm(), der))
                        + " but its SDP announced " + expectedFingerprints);
    }

    void srtpProfileChosen(int profileId) {
        this.srtpProfileId = profileId;
    }

    int srtpProfileId() {
        return srtpProfileId;
    }

    /** Exports the SRTP keys (RFC 5764 §4.2); call from notifyHandshakeComplete, while the exporter is valid. */
    void exportKeyingMaterial(TlsContext context) throws TlsFatalAlert {
        if (srtpProfileId < 0) {
            throw fail(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, AlertDescription.internal_error,
                    "handshake completed without an SRTP profile");
        }
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                SrtpProfileIds.keyingMaterialLength(srtpProfileId));
    }

    byte[] keyingMaterial() {
        return keyingMaterial;
    }

    DtlsHandshakeException.Reason failureReason() {
        return failureReason;
    }

    String failureMessage() {
        return failureMessage;
    }

    void alertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            peerSentCloseNotify = true;
        }
    }

    boolean peerSentCloseNotify() {
        return peerSentCloseNotify;
    }
}
