package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.util.Hashtable;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our DTLS 1.2 client for DTLS-SRTP: offers {@code use_srtp} (RFC 5764 §4.1.1), checks the server certificate
 * against the SDP fingerprints (RFC 8842 §5) and answers the certificate request with our ECDSA certificate.
 */
final class SrtpDtlsClient extends DefaultTlsClient {
    private final BcTlsCrypto crypto;
    private final DtlsCertificate local;
    private final DtlsSrtpOptions options;
    private final HandshakeState state;

    SrtpDtlsClient(BcTlsCrypto crypto, DtlsCertificate local, DtlsSrtpOptions options, HandshakeState state) {
        super(crypto);
        this.crypto = crypto;
        this.local = local;
        this.options = options;
        this.state = state;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), LocalCredentials.CLIENT_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return options.handshakeTimeoutMillis();
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return options.initialRetransmitMillis();
    }

    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
        return false;
    }

    @Override
    public void notifySecureRenegotiation(boolean secureRenegotiation) {
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(options.srtpProfileArray(), TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData selected = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (selected == null) {
            throw state.fail(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, AlertDescription.handshake_failure,
                    "server did not select an SRTP profile (no use_srtp in ServerHello)");
        }
        int[] profiles = selected.getProtectionProfiles();
        // RFC 5764 §4.1.1: exactly one profile, one we offered; MKI echoed or empty (we sent none).
        if (profiles.length != 1 || !options.srtpProfiles().contains(profiles[0])) {
            throw state.fail(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, AlertDescription.illegal_parameter,
                    "server selected SRTP profile(s) we did not offer: " + java.util.Arrays.toString(profiles));
        }
        if (selected.getMki().length != 0) {
            throw state.fail(DtlsHandshakeException.Reason.FAILED, AlertDescription.illegal_parameter,
                    "server sent an SRTP MKI although we offered none");
        }
        state.srtpProfileChosen(profiles[0]);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                state.verifyPeerCertificate(serverCertificate == null ? null : serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                boolean ecdsaAllowed = false;
                for (short type : request.getCertificateTypes()) {
                    ecdsaAllowed |= type == ClientCertificateType.ecdsa_sign;
                }
                if (!ecdsaAllowed) {
                    // Send no certificate; a WebRTC server will then refuse us, and say so.
                    return null;
                }
                return LocalCredentials.signer(context, crypto, local, request.getSupportedSignatureAlgorithms(),
                        state);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        state.exportKeyingMaterial(context);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        state.alertReceived(alertLevel, alertDescription);
    }
}
