package dev.ingot.rtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 5764 §4.2: splitting the exported keying material into the two directions' master keys. */
class SrtpKeyingMaterialTest {

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] range(int from, int len) {
        return Arrays.copyOfRange(counting(64), from, from + len);
    }

    @Test
    void dtlsClientWritesWithTheClientKeyAndSalt() {
        SrtpKeyingMaterial m = SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.AES128_CM_HMAC_SHA1_80, counting(60), true);
        // client_write_key | server_write_key | client_write_salt | server_write_salt
        assertThat(m.local().key()).isEqualTo(range(0, 16));
        assertThat(m.remote().key()).isEqualTo(range(16, 16));
        assertThat(m.local().salt()).isEqualTo(range(32, 14));
        assertThat(m.remote().salt()).isEqualTo(range(46, 14));
    }

    @Test
    void dtlsServerWritesWithTheServerKeyAndSalt() {
        SrtpKeyingMaterial m = SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.AEAD_AES_128_GCM, counting(56), false);
        assertThat(m.local().key()).isEqualTo(range(16, 16));
        assertThat(m.remote().key()).isEqualTo(range(0, 16));
        assertThat(m.local().salt()).isEqualTo(range(44, 12));
        assertThat(m.remote().salt()).isEqualTo(range(32, 12));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void clientOutboundIsServerInboundAndBack(SrtpProfile profile) {
        byte[] exported = counting(profile.keyingMaterialLength());
        SrtpKeyingMaterial client = SrtpKeyingMaterial.fromDtlsExport(profile, exported, true);
        SrtpKeyingMaterial server = SrtpKeyingMaterial.fromDtlsExport(profile, exported, false);
        assertThat(client.local()).isEqualTo(server.remote());
        assertThat(client.remote()).isEqualTo(server.local());

        byte[] rtp = new byte[64];
        rtp[0] = (byte) 0x80;
        rtp[3] = 7;
        rtp[11] = 1;
        Arrays.fill(rtp, 12, 40, (byte) 0x5A);
        byte[] plain = Arrays.copyOf(rtp, 40);
        int n = client.outboundContext().protectRtp(rtp, 0, 40);
        assertThat(server.inboundContext().unprotectRtp(rtp, 0, n)).isEqualTo(40);
        assertThat(Arrays.copyOf(rtp, 40)).isEqualTo(plain);

        byte[] rtcp = new byte[64];
        rtcp[0] = (byte) 0x81;
        rtcp[1] = (byte) 201;
        rtcp[3] = 1;
        rtcp[7] = 9;
        byte[] plainRtcp = Arrays.copyOf(rtcp, 8);
        int m = server.outboundContext().protectRtcp(rtcp, 0, 8);
        // The server's packets do not authenticate with the server's own inbound key.
        byte[] copy = rtcp.clone();
        assertThat(server.inboundContext().unprotectRtcp(copy, 0, m)).isEqualTo(SrtpError.AUTH_FAILED.code());
        assertThat(client.inboundContext().unprotectRtcp(rtcp, 0, m)).isEqualTo(8);
        assertThat(Arrays.copyOf(rtcp, 8)).isEqualTo(plainRtcp);
    }

    @Test
    void wrongExportLengthIsRefused() {
        assertThatThrownBy(() -> SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.AEAD_AES_128_GCM, new byte[60], true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrtpContext.inbound(SrtpProfile.AEAD_AES_128_GCM,
                new SrtpMasterKey(new byte[16], new byte[14]))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void masterKeyIsCopiedAndNotPrinted() {
        byte[] key = counting(16);
        SrtpMasterKey k = new SrtpMasterKey(key, new byte[14]);
        key[0] = 99;
        assertThat(k.key()[0]).isZero();
        k.key()[1] = 99;
        assertThat(k.key()[1]).isEqualTo((byte) 1);
        assertThat(k.toString()).doesNotContain("0, 1, 2").contains("16 bytes");
    }
}
