package dev.ingot.rtc.srtp;

import static dev.ingot.rtc.srtp.Hex.bytes;
import static dev.ingot.rtc.srtp.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Published vectors: RFC 3711 Appendix B.2 (AES-CM keystream), the libsrtp reference packets for
 * AES_CM_128_HMAC_SHA1_80, and RFC 7714 §16-17 (AEAD_AES_128_GCM for SRTP and SRTCP).
 */
class SrtpPublishedVectorsTest {

    // ------------------------------------------------------------------ RFC 3711 Appendix B.2

    @Test
    void aesCmKeystreamSegmentMatchesAppendixB2() {
        // Session key and (already shifted) salt given directly; SSRC 0, ROC 0, SEQ 0, so a zero payload
        // encrypts to the keystream itself. The segment is 1044512 octets (65282 blocks).
        SrtpSessionKeys keys = SrtpSessionKeys.same(
                bytes("2B7E151628AED2A6ABF7158809CF4F3C"), new byte[20], bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, false, keys);
        int segment = 1044512;
        byte[] buf = new byte[12 + segment + 10];
        buf[0] = (byte) 0x80;

        assertThat(ctx.protectRtp(buf, 0, 12 + segment)).isEqualTo(12 + segment + 10);

        assertThat(hex(buf, 12, 48)).isEqualToIgnoringCase("""
                E03EAD0935C95E80E166B16DD92B4EB4\
                D23513162B02D0F72A43A2FE4A5F97AB\
                41E95B3BB0A2E8DD477901E4FCA894C0""");
        assertThat(hex(buf, 12 + segment - 48, 48)).isEqualToIgnoringCase("""
                EC8CDF7398607CB0F2D21675EA9EA1E4\
                362B7C3C6773516318A077D7FC5073AE\
                6A2CC3787889374FBEB4C81B17BA6C44""");
    }

    // ------------------------------------------------------------------ libsrtp srtp_validate (AES-CM 80)

    private static final SrtpMasterKey LIBSRTP_KEY = new SrtpMasterKey(
            bytes("E1F97A0D3E018BE0D64FA32C06DE4139"), bytes("0EC675AD498AFEEBB6960B3AABE6"));
    private static final byte[] LIBSRTP_RTP = bytes("800f1234decafbadcafebabe abababababababababababababababab");
    private static final byte[] LIBSRTP_SRTP = bytes("""
            800f1234decafbadcafebabe
            4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb""");
    private static final byte[] LIBSRTP_RTCP = bytes("81c8000bcafebabe abababababababababababababababab");
    private static final byte[] LIBSRTP_SRTCP = bytes("""
            81c8000bcafebabe
            7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798""");

    @Test
    void protectsTheLibsrtpReferenceRtpPacket() {
        SrtpContext ctx = SrtpContext.outbound(SrtpProfile.AES128_CM_HMAC_SHA1_80, LIBSRTP_KEY);
        byte[] buf = Arrays.copyOf(LIBSRTP_RTP, 64);
        int n = ctx.protectRtp(buf, 0, LIBSRTP_RTP.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(LIBSRTP_SRTP);
    }

    @Test
    void unprotectsTheLibsrtpReferenceRtpPacket() {
        SrtpContext ctx = SrtpContext.inbound(SrtpProfile.AES128_CM_HMAC_SHA1_80, LIBSRTP_KEY);
        byte[] buf = LIBSRTP_SRTP.clone();
        int n = ctx.unprotectRtp(buf, 0, buf.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(LIBSRTP_RTP);
    }

    @Test
    void protectsAndUnprotectsTheLibsrtpReferenceRtcpPacket() {
        // libsrtp sends SRTCP index 1 first; ours starts at 0, so set it.
        SrtpContext out = SrtpContext.outbound(SrtpProfile.AES128_CM_HMAC_SHA1_80, LIBSRTP_KEY);
        out.setNextSrtcpIndex(0xcafebabe, 1);
        byte[] buf = Arrays.copyOf(LIBSRTP_RTCP, 64);
        int n = out.protectRtcp(buf, 0, LIBSRTP_RTCP.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(LIBSRTP_SRTCP);

        SrtpContext in = SrtpContext.inbound(SrtpProfile.AES128_CM_HMAC_SHA1_80, LIBSRTP_KEY);
        byte[] wire = LIBSRTP_SRTCP.clone();
        int m = in.unprotectRtcp(wire, 0, wire.length);
        assertThat(Arrays.copyOf(wire, m)).isEqualTo(LIBSRTP_RTCP);
    }

    // ------------------------------------------------------------------ RFC 7714 §16-17 (AEAD_AES_128_GCM)

    /** §16 and §17 give the session key and salt directly (no key derivation). */
    private static final SrtpSessionKeys GCM_KEYS = SrtpSessionKeys.same(
            bytes("000102030405060708090a0b0c0d0e0f"), new byte[0], bytes("517569642070726f2071756f"));

    /** §16.1.1 RTP packet: SSRC 5501a0b2, SEQ f17b, ROC 0. */
    private static final byte[] GCM_RTP = bytes("""
            8040f17b 8041f8d3 5501a0b2 47616c6c
            69612065 7374206f 6d6e6973 20646976
            69736120 696e2070 61727465 73207472
            6573""");
    /** §16.1.1 encrypted and tagged packet. */
    private static final byte[] GCM_SRTP = bytes("""
            8040f17b 8041f8d3 5501a0b2 f24de3a3
            fb34de6c acba861c 9d7e4bca be633bd5
            0d294e6f 42a5f47a 51c7d19b 36de3adf
            8833899d 7f27beb1 6a9152cf 765ee439
            0cce""");
    /** §17 RTCP packet: SSRC 4d617273, SRTCP index 000005d4. */
    private static final byte[] GCM_RTCP = bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef""");
    /** §17.1 encrypted and tagged SRTCP packet (E = 1). */
    private static final byte[] GCM_SRTCP = bytes("""
            81c8000d 4d617273 63e94885 dcdab67c
            a727d766 2f6b7e99 7ff5c0f7 6c06f32d
            c676a5f1 730d6fda 4ce09b46 86303ded
            0bb9275b c84aa458 96cf4d2f c5abf872
            45d9eade 800005d4""");
    /** §17.3 tagged-only SRTCP packet (E = 0): the whole packet is associated data. */
    private static final byte[] GCM_SRTCP_AUTH_ONLY = bytes("""
            81c8000d 4d617273 4e545031 4e545032
            52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef
            deadbeef 841dd968 3dd78ec9 2ae58790
            125f62b3 000005d4""");

    @Test
    void gcmProtectRtpMatchesRfc7714Section16() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, false, GCM_KEYS);
        byte[] buf = Arrays.copyOf(GCM_RTP, 128);
        int n = ctx.protectRtp(buf, 0, GCM_RTP.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(GCM_SRTP);
        assertThat(ctx.lastRtpIndex()).isEqualTo(0xf17b);
    }

    @Test
    void gcmUnprotectRtpMatchesRfc7714Section16() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, true, GCM_KEYS);
        byte[] buf = GCM_SRTP.clone();
        int n = ctx.unprotectRtp(buf, 0, buf.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(GCM_RTP);
    }

    @Test
    void gcmRejectsTheRfc7714RtpPacketWithOneBitFlipped() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, true, GCM_KEYS);
        byte[] buf = GCM_SRTP.clone();
        buf[20] ^= 0x01;
        assertThat(ctx.unprotectRtp(buf, 0, buf.length)).isEqualTo(SrtpError.AUTH_FAILED.code());
    }

    @Test
    void gcmProtectRtcpMatchesRfc7714Section17() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, false, GCM_KEYS);
        ctx.setNextSrtcpIndex(0x4d617273, 0x5d4);
        byte[] buf = Arrays.copyOf(GCM_RTCP, 128);
        int n = ctx.protectRtcp(buf, 0, GCM_RTCP.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(GCM_SRTCP);
    }

    @Test
    void gcmUnprotectRtcpMatchesRfc7714Section17() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, true, GCM_KEYS);
        byte[] buf = GCM_SRTCP.clone();
        int n = ctx.unprotectRtcp(buf, 0, buf.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(GCM_RTCP);
    }

    @Test
    void gcmVerifiesTheRfc7714TagOnlyRtcpPacket() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, true, GCM_KEYS);
        byte[] buf = GCM_SRTCP_AUTH_ONLY.clone();
        int n = ctx.unprotectRtcp(buf, 0, buf.length);
        assertThat(Arrays.copyOf(buf, n)).isEqualTo(GCM_RTCP);

        byte[] forged = GCM_SRTCP_AUTH_ONLY.clone();
        forged[12] ^= 0x40; // plaintext body is authenticated too
        SrtpContext fresh = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, true, GCM_KEYS);
        assertThat(fresh.unprotectRtcp(forged, 0, forged.length)).isEqualTo(SrtpError.AUTH_FAILED.code());
    }

    @Test
    void gcmRejectsRfc7714RtcpPacketWhoseIndexWasChanged() {
        SrtpContext ctx = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, true, GCM_KEYS);
        byte[] buf = GCM_SRTCP.clone();
        buf[buf.length - 1] ^= 0x01; // the E|index word is associated data
        assertThat(ctx.unprotectRtcp(buf, 0, buf.length)).isEqualTo(SrtpError.AUTH_FAILED.code());
    }
}
