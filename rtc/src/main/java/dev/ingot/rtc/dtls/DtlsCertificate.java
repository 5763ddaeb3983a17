package dev.ingot.rtc.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * Our self-signed ECDSA P-256 certificate and its private key, used for DTLS-SRTP and announced in SDP as
 * {@code a=fingerprint} (RFC 8827 §6.5, RFC 8122 §5). Immutable; one instance may serve many handshakes.
 */
public final class DtlsCertificate {
    private static final long VALIDITY_MILLIS = 30L * 24 * 60 * 60 * 1000;
    private static final HexFormat SDP_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprintSha256;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprintSha256 = formatFingerprint(fingerprint("sha-256", der));
    }

    /**
     * Generates a fresh P-256 key pair and a self-signed certificate (CN=ingot, random positive 64-bit serial,
     * SHA256withECDSA) valid for 30 days from {@code notBeforeMillis}. Callers usually pass "now minus a day"
     * to tolerate peers with skewed clocks; WebRTC peers check the fingerprint, not the dates.
     */
    public static DtlsCertificate generate(SecureRandom rng, long notBeforeMillis) {
        ECNamedDomainParameters p256 = ECNamedDomainParameters.lookup(SECObjectIdentifiers.secp256r1);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(p256, rng));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();

        byte[] serialBytes = new byte[8];
        rng.nextBytes(serialBytes);
        serialBytes[0] &= 0x7F;
        BigInteger serial = new BigInteger(1, serialBytes);
        if (serial.signum() == 0) {
            serial = BigInteger.ONE;
        }

        X500Name name = new X500Name("CN=ingot");
        try {
            SubjectPublicKeyInfo publicKeyInfo =
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic());
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial,
                    new Date(notBeforeMillis), new Date(notBeforeMillis + VALIDITY_MILLIS), name, publicKeyInfo);
            AlgorithmIdentifier signatureAlgorithm =
                    new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digestAlgorithm =
                    new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            BcECContentSignerBuilder signerBuilder = new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm);
            signerBuilder.setSecureRandom(rng);
            X509CertificateHolder holder = builder.build(signerBuilder.build(keyPair.getPrivate()));
            return new DtlsCertificate(holder.getEncoded(), keyPair.getPrivate());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a self-signed certificate", e);
        }
    }

    /** The certificate in DER form (a copy). */
    public byte[] derEncoded() {
        return der.clone();
    }

    /** SHA-256 fingerprint in SDP form, upper-case hex pairs joined by colons ("AB:CD:..."). */
    public String fingerprintSha256() {
        return fingerprintSha256;
    }

    /** Fingerprint under {@code hashAlgorithm} (sha-1 .. sha-512) in SDP form. */
    public String fingerprint(String hashAlgorithm) {
        return formatFingerprint(fingerprint(hashAlgorithm, der));
    }

    /**
     * Digest of a DER certificate as RFC 8122 §5 defines a fingerprint.
     *
     * @param hashAlgorithm sha-1, sha-224, sha-256, sha-384 or sha-512 (any case)
     * @throws IllegalArgumentException for any other algorithm
     */
    public static byte[] fingerprint(String hashAlgorithm, byte[] derCertificate) {
        return messageDigest(hashAlgorithm).digest(derCertificate);
    }

    /** Formats digest bytes as SDP wants them: upper-case hex pairs joined by colons. */
    public static String formatFingerprint(byte[] digest) {
        return SDP_HEX.formatHex(digest);
    }

    static int digestLength(String hashAlgorithm) {
        return messageDigest(hashAlgorithm).getDigestLength();
    }

    private static MessageDigest messageDigest(String hashAlgorithm) {
        String jcaName = switch (hashAlgorithm == null ? "" : hashAlgorithm.toLowerCase(Locale.ROOT)) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash algorithm: " + hashAlgorithm);
        };
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
    }

    /** The certificate as a one-entry BC chain built by {@code crypto}. */
    Certificate tlsCertificate(TlsCrypto crypto) throws IOException {
        TlsCertificate certificate = crypto.createCertificate(der);
        return new Certificate(new TlsCertificate[] {certificate});
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "DtlsCertificate[sha-256 " + fingerprintSha256 + "]";
    }
}
