package dev.ingot.rtc.srtp;

import static dev.ingot.rtc.srtp.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B.3: the AES-CM PRF key derivation. */
class SrtpKeyDerivationTest {

    private static final byte[] MASTER_KEY = bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] MASTER_SALT = bytes("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void derivesTheCipherKeyOfAppendixB3() {
        assertThat(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16))
                .isEqualTo(bytes("C61E7A93744F39EE10734AFE3FF7A087"));
    }

    @Test
    void derivesTheCipherSaltOfAppendixB3() {
        assertThat(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_SALT, 14))
                .isEqualTo(bytes("30CBBC08863D8C85D49DB34A9AE1"));
    }

    @Test
    void derivesTheFull94ByteAuthKeyOfAppendixB3() {
        assertThat(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_AUTH, 94))
                .isEqualTo(bytes("""
                        CEBE321F6FF7716B6FD4AB49AF256A15
                        6D38BAA48F0A0ACF3C34E2359E6CDBCE
                        E049646C43D9327AD175578EF7227098
                        6371C10C9A369AC2F94A8C5FBCDDDC25
                        6D6E919A48B610EF17C2041E47403576
                        6B68642C59BBFC2F34DB60DBDFB2"""));
    }

    @Test
    void sessionKeysOfACmProfileUseTheSrtpAndSrtcpLabels() {
        SrtpSessionKeys keys = SrtpKeyDerivation.deriveSessionKeys(
                SrtpProfile.AES128_CM_HMAC_SHA1_80, new SrtpMasterKey(MASTER_KEY, MASTER_SALT));
        assertThat(keys.rtpEncryptionKey()).isEqualTo(bytes("C61E7A93744F39EE10734AFE3FF7A087"));
        assertThat(keys.rtpSalt()).isEqualTo(bytes("30CBBC08863D8C85D49DB34A9AE1"));
        assertThat(keys.rtpAuthKey()).isEqualTo(bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
        assertThat(keys.rtcpEncryptionKey())
                .isEqualTo(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, 3, 16))
                .isNotEqualTo(keys.rtpEncryptionKey());
        assertThat(keys.rtcpAuthKey()).hasSize(20).isNotEqualTo(keys.rtpAuthKey());
        assertThat(keys.rtcpSalt()).hasSize(14).isNotEqualTo(keys.rtpSalt());
    }

    @Test
    void gcmProfilePadsItsTwelveByteSaltWithZerosAndHasNoAuthKey() {
        byte[] salt12 = bytes("0EC675AD498AFEEBB6960B3A");
        SrtpSessionKeys keys = SrtpKeyDerivation.deriveSessionKeys(
                SrtpProfile.AEAD_AES_128_GCM, new SrtpMasterKey(MASTER_KEY, salt12));
        byte[] padded = bytes("0EC675AD498AFEEBB6960B3A0000");
        assertThat(keys.rtpEncryptionKey()).isEqualTo(SrtpKeyDerivation.derive(MASTER_KEY, padded, 0, 16));
        assertThat(keys.rtpSalt()).isEqualTo(SrtpKeyDerivation.derive(MASTER_KEY, padded, 2, 12));
        assertThat(keys.rtcpSalt()).hasSize(12);
        assertThat(keys.rtpAuthKey()).isEmpty();
    }
}
