package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.util.Hashtable;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our DTLS 1.2 server for DTLS-SRTP: ECDSA certificate, requires the client's certificate and checks it against the
 * SDP fingerprints (RFC 8842 §5), picks the SRTP profile from the client's {@code use_srtp} list (RFC 5764 §4.1.1).
 */
final class SrtpDtlsServer extends DefaultTlsServer {
    private final BcTlsCrypto crypto;
    private final DtlsCertificate local;
    private final DtlsSrtpOptions options;
    private final HandshakeState state;

    SrtpDtlsServer(BcTlsCrypto crypto, DtlsCertificate local, DtlsSrtpOptions options, HandshakeState state) {
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
        return TlsUtils.getSupportedCipherSuites(getCrypto(), LocalCredentials.ECDSA_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return options.handshakeTimeoutMillis();
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return options.initialRetransmitMillis();
    }

    /** The peer is authenticated by fingerprint, not by a chain of signatures over its self-signed certificate. */
    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
        return false;
    }

    /** We never renegotiate, so a peer without RFC 5746 support is harmless. */
    @Override
    public void notifySecureRenegotiation(boolean secureRenegotiation) {
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, LocalCredentials.certificateVerifyAlgorithms(), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        state.verifyPeerCertificate(clientCertificate);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return LocalCredentials.signer(context, crypto, local,
                context.getSecurityParametersHandshake().getClientSigAlgs(), state);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw state.fail(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, AlertDescription.handshake_failure,
                    "client offered no use_srtp extension");
        }
        int[] offeredProfiles = offered.getProtectionProfiles();
        for (int preferred : options.srtpProfiles()) {
            for (int candidate : offeredProfiles) {
                if (candidate == preferred) {
                    state.srtpProfileChosen(preferred);
                    return;
                }
            }
        }
        StringBuilder names = new StringBuilder();
        for (int profile : offeredProfiles) {
            names.append(names.isEmpty() ? "" : ", ").append(SrtpProfileIds.name(profile));
        }
        throw state.fail(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, AlertDescription.handshake_failure,
                "no SRTP profile in common: client offered [" + names + "]");
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        // Empty MKI: we do not use MKIs, whatever the client offered (RFC 5764 §4.1.1).
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {state.srtpProfileId()}, TlsUtils.EMPTY_BYTES));
        return extensions;
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
