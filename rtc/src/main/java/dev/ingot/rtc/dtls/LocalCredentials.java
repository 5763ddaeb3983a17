package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.util.List;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Signing with our ECDSA certificate in TLS 1.2 terms (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10), plus the cipher suites
 * and signature algorithms both roles use.
 */
final class LocalCredentials {
    /** ECDHE with an ECDSA server certificate: AEAD first, CBC fallbacks for older stacks. */
    static final int[] ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    /** As a client the server's certificate may also be RSA. */
    static final int[] CLIENT_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    };

    /** Hashes we sign ECDSA with, most preferred first; SHA-1 only for peers that ask for nothing better. */
    private static final List<Short> ECDSA_HASHES =
            List.of(HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512, HashAlgorithm.sha1);

    private LocalCredentials() {
    }

    /**
     * Signature algorithms a server accepts for the client's CertificateVerify: ECDSA (Chrome, Firefox, our own
     * client) and RSA (some other stacks).
     */
    static Vector<SignatureAndHashAlgorithm> certificateVerifyAlgorithms() {
        Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
        for (short hash : ECDSA_HASHES) {
            if (hash != HashAlgorithm.sha1) {
                algorithms.add(SignatureAndHashAlgorithm.getInstance(hash, SignatureAlgorithm.ecdsa));
            }
        }
        algorithms.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        algorithms.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha384);
        algorithms.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha512);
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa));
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.rsa));
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa));
        algorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, SignatureAlgorithm.rsa));
        return algorithms;
    }

    /**
     * A signer for our certificate using the best ECDSA algorithm the peer accepts. {@code peerAlgorithms} null
     * means the peer sent no list, which in TLS 1.2 implies SHA-1 (RFC 5246 §7.4.1.4.1).
     */
    static TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto, DtlsCertificate local,
                                        Vector<?> peerAlgorithms, HandshakeState state) throws IOException {
        SignatureAndHashAlgorithm chosen = null;
        if (peerAlgorithms == null) {
            chosen = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa);
        } else {
            for (short hash : ECDSA_HASHES) {
                SignatureAndHashAlgorithm candidate = SignatureAndHashAlgorithm.getInstance(hash, SignatureAlgorithm.ecdsa);
                if (peerAlgorithms.contains(candidate)) {
                    chosen = candidate;
                    break;
                }
            }
        }
        if (chosen == null) {
            throw state.fail(DtlsHandshakeException.Reason.FAILED, AlertDescription.handshake_failure,
                    "peer accepts no ECDSA signature algorithm: " + peerAlgorithms);
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, local.privateKey(),
                local.tlsCertificate(crypto), chosen);
    }
}
