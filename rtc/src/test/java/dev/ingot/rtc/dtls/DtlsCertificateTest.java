package dev.ingot.rtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DtlsCertificateTest {
    private static final long NOT_BEFORE = 1_700_000_000_000L;
    private final SecureRandom rng = new SecureRandom();

    @Test
    void generatesSelfSignedP256CertificateValidForThirtyDays() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate(rng, NOT_BEFORE);

        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.derEncoded()));
        assertThat(x509.getSubjectX500Principal().getName()).isEqualTo("CN=ingot");
        assertThat(x509.getIssuerX500Principal()).isEqualTo(x509.getSubjectX500Principal());
        assertThat(x509.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(x509.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(x509.getSerialNumber().signum()).isPositive();
        assertThat(x509.getNotBefore().getTime()).isEqualTo(NOT_BEFORE);
        assertThat(x509.getNotAfter().getTime() - NOT_BEFORE).isEqualTo(30L * 24 * 3600 * 1000);
        x509.verify(x509.getPublicKey());
    }

    @Test
    void eachCertificateHasItsOwnKeyAndSerial() throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate a = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(DtlsCertificate.generate(rng, NOT_BEFORE).derEncoded()));
        X509Certificate b = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(DtlsCertificate.generate(rng, NOT_BEFORE).derEncoded()));

        assertThat(a.getSerialNumber()).isNotEqualTo(b.getSerialNumber());
        assertThat(a.getPublicKey()).isNotEqualTo(b.getPublicKey());
    }

    @Test
    void sha256FingerprintIsThirtyTwoUpperCaseColonSeparatedPairs() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate(rng, NOT_BEFORE);

        String fingerprint = certificate.fingerprintSha256();

        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.derEncoded());
        assertThat(fingerprint).isEqualTo(java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
        assertThat(certificate.fingerprint("SHA-256")).isEqualTo(fingerprint);
    }

    @Test
    void formatsKnownDigestAsSdpWants() {
        assertThat(DtlsCertificate.formatFingerprint(new byte[] {0x0a, (byte) 0xbc, (byte) 0xff}))
                .isEqualTo("0A:BC:FF");
    }

    @ParameterizedTest
    @CsvSource({
        // FIPS 180 "abc" test vectors, truncated to the first 8 bytes.
        "sha-1,   20, a9993e364706816a",
        "sha-224, 28, 23097d223405d822",
        "sha-256, 32, ba7816bf8f01cfea",
        "sha-384, 48, cb00753f45a35e8b",
        "sha-512, 64, ddaf35a193617aba",
    })
    void fingerprintUsesTheNamedHash(String algorithm, int length, String prefixHex) {
        byte[] digest = DtlsCertificate.fingerprint(algorithm, "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        assertThat(digest).hasSize(length);
        assertThat(java.util.HexFormat.of().formatHex(digest)).startsWith(prefixHex);
    }

    @Test
    void rejectsUnsupportedHashAlgorithms() {
        assertThatThrownBy(() -> DtlsCertificate.fingerprint("md5", new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("md5");
        assertThatThrownBy(() -> DtlsCertificate.fingerprint(null, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
