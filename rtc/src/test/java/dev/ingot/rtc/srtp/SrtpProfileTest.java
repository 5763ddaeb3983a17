package dev.ingot.rtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 5764 §4.1.2 and RFC 7714 §14.2 profile parameters, and the error codes. */
class SrtpProfileTest {

    @Test
    void profilesCarryTheirRegisteredIdsAndLengths() {
        assertThat(SrtpProfile.fromId(0x0001)).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertThat(SrtpProfile.fromId(0x0002)).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_32);
        assertThat(SrtpProfile.fromId(0x0007)).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);

        SrtpProfile cm80 = SrtpProfile.AES128_CM_HMAC_SHA1_80;
        assertThat(new int[] {cm80.masterKeyLength(), cm80.masterSaltLength(), cm80.rtpAuthTagLength(),
                cm80.rtcpAuthTagLength(), cm80.keyingMaterialLength()}).containsExactly(16, 14, 10, 10, 60);
        SrtpProfile cm32 = SrtpProfile.AES128_CM_HMAC_SHA1_32;
        assertThat(new int[] {cm32.masterKeyLength(), cm32.masterSaltLength(), cm32.rtpAuthTagLength(),
                cm32.rtcpAuthTagLength(), cm32.keyingMaterialLength()}).containsExactly(16, 14, 4, 10, 60);
        SrtpProfile gcm = SrtpProfile.AEAD_AES_128_GCM;
        assertThat(new int[] {gcm.masterKeyLength(), gcm.masterSaltLength(), gcm.rtpAuthTagLength(),
                gcm.rtcpAuthTagLength(), gcm.keyingMaterialLength()}).containsExactly(16, 12, 16, 16, 56);
        assertThat(gcm.isAead()).isTrue();
        assertThat(cm80.isAead()).isFalse();
        assertThat(cm32.rtcpProtectionOverhead()).isEqualTo(14);
        assertThat(gcm.rtcpProtectionOverhead()).isEqualTo(20);
    }

    @Test
    void unknownProfileIdIsRefused() {
        assertThat(SrtpProfile.isSupported(0x0008)).isFalse();
        assertThat(SrtpProfile.isSupported(0x0007)).isTrue();
        assertThatThrownBy(() -> SrtpProfile.fromId(0x0008)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyErrorCodeIsNegativeAndMapsBack() {
        for (SrtpError e : SrtpError.values()) {
            assertThat(e.code()).isNegative();
            assertThat(SrtpError.fromCode(e.code())).isEqualTo(e);
        }
        assertThatThrownBy(() -> SrtpError.fromCode(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrtpError.fromCode(-100)).isInstanceOf(IllegalArgumentException.class);
    }
}
