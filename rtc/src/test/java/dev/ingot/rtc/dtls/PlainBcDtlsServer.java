package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;

import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A DTLS-SRTP server written straight on Bouncy Castle with an RSA certificate, standing in for a passive peer
 * whose certificate is not ECDSA. It selects the client's first SRTP profile and records the client certificate.
 */
final class PlainBcDtlsServer extends DefaultTlsServer {
    private final RsaTestCertificate certificate;
    volatile int srtpProfile = -1;
    volatile byte[] keyingMaterial;
    volatile Certificate clientCertificate;

    PlainBcDtlsServer(RsaTestCertificate certificate) {
        super(new BcTlsCrypto(new SecureRandom()));
        this.certificate = certificate;
    }

    DTLSTransport accept(DatagramTransport transport) throws IOException {
        return new DTLSServerProtocol().accept(this, transport);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return 5_000;
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
        BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
        SignatureAndHashAlgorithm algorithm = SignatureAndHashAlgorithm.rsa_pss_rsae_sha256;
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                certificate.privateKey(), certificate.chain(crypto), algorithm);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign},
                TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) {
        this.clientCertificate = clientCertificate;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        srtpProfile = TlsSRTPUtils.getUseSRTPExtension(clientExtensions).getProtectionProfiles()[0];
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {srtpProfile}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                SrtpProfileIds.keyingMaterialLength(srtpProfile));
    }
}
