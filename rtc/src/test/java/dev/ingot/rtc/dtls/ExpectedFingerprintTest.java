package dev.ingot.rtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpectedFingerprintTest {

    @Test
    void parsesSdpFingerprintInEitherCase() {
        DtlsCertificate certificate = DtlsCertificate.generate(new SecureRandom(), 0);
        String sdp = certificate.fingerprintSha256();

        ExpectedFingerprint upper = ExpectedFingerprint.parse("SHA-256", sdp);
        ExpectedFingerprint lower = ExpectedFingerprint.parse("sha-256", sdp.toLowerCase());

        assertThat(upper).isEqualTo(lower);
        assertThat(upper.hashAlgorithm()).isEqualTo("sha-256");
        assertThat(upper.matches(certificate.derEncoded())).isTrue();
        assertThat(upper.toString()).isEqualTo("sha-256 " + sdp);
    }

    @Test
    void doesNotMatchAnotherCertificate() {
        SecureRandom rng = new SecureRandom();
        DtlsCertificate a = DtlsCertificate.generate(rng, 0);
        DtlsCertificate b = DtlsCertificate.generate(rng, 0);

        assertThat(ExpectedFingerprint.parse("sha-256", a.fingerprintSha256()).matches(b.derEncoded())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "AB:", "AB:CD:E", "AB-CD", "ABCD", "AB:CD:GG", ":AB:CD", "AB::CD"})
    void rejectsMalformedHex(String hex) {
        assertThatThrownBy(() -> ExpectedFingerprint.parse("sha-1", hex))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsValueOfTheWrongLengthForTheAlgorithm() {
        assertThatThrownBy(() -> ExpectedFingerprint.parse("sha-256", "AB:CD"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new ExpectedFingerprint("sha-1", new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUnsupportedAlgorithm() {
        assertThatThrownBy(() -> new ExpectedFingerprint("md5", new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsItsOwnCopyOfTheValue() {
        byte[] value = new byte[20];
        ExpectedFingerprint fingerprint = new ExpectedFingerprint("sha-1", value);
        value[0] = 1;
        fingerprint.value()[1] = 1;

        assertThat(fingerprint.value()).isEqualTo(new byte[20]);
    }
}
