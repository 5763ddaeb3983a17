package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** A self-signed RSA-2048 certificate, as GStreamer's webrtcbin and some other stacks use for DTLS. */
record RsaTestCertificate(byte[] der, AsymmetricKeyParameter privateKey) {

    static RsaTestCertificate generate(SecureRandom rng) throws Exception {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), rng, 2048, 80));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=rsa-peer");
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(7),
                new Date(0), new Date(4_000_000_000_000L), name,
                SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
        AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withRSA");
        AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
        byte[] der = builder.build(new BcRSAContentSignerBuilder(signature, digest).build(keyPair.getPrivate()))
                .getEncoded();
        return new RsaTestCertificate(der, keyPair.getPrivate());
    }

    Certificate chain(TlsCrypto crypto) throws IOException {
        return new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
    }

    ExpectedFingerprint sha256() {
        return new ExpectedFingerprint("sha-256", DtlsCertificate.fingerprint("sha-256", der));
    }
}
