package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;

import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A DTLS-SRTP client written straight on Bouncy Castle, standing in for other WebRTC stacks: it offers
 * AES128_CM_HMAC_SHA1_80 and answers the certificate request with an RSA certificate, or with nothing.
 */
final class PlainBcDtlsClient extends DefaultTlsClient {
    private final RsaTestCertificate certificate;
    private final SignatureAndHashAlgorithm signatureAlgorithm;
    volatile byte[] keyingMaterial;

    /** {@code certificate} null: send no certificate. */
    PlainBcDtlsClient(RsaTestCertificate certificate, SignatureAndHashAlgorithm signatureAlgorithm) {
        super(new BcTlsCrypto(new SecureRandom()));
        this.certificate = certificate;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    DTLSTransport connect(DatagramTransport transport) throws IOException {
        return new DTLSClientProtocol().connect(this, transport);
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
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {SrtpProfileIds.AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                if (certificate == null) {
                    return null;
                }
                BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                        certificate.privateKey(), certificate.chain(crypto), signatureAlgorithm);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 60);
    }
}
