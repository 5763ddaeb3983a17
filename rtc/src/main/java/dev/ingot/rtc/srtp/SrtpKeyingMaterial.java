package dev.ingot.rtc.srtp;

/**
 * The master keys of both directions of one DTLS-SRTP association: {@code local} protects what this side sends,
 * {@code remote} unprotects what the peer sends. Built from the DTLS exporter output laid out as RFC 5764 §4.2
 * specifies.
 */
public record SrtpKeyingMaterial(SrtpProfile profile, SrtpMasterKey local, SrtpMasterKey remote) {

    public SrtpKeyingMaterial {
        if (!local.fits(profile) || !remote.fits(profile)) {
            throw new IllegalArgumentException("master key or salt length does not fit " + profile);
        }
    }

    /**
     * Splits keying material exported with the label {@code EXTRACTOR-dtls_srtp} (RFC 5764 §4.2): client_write_key,
     * server_write_key, client_write_salt, server_write_salt. The DTLS client writes with the client key.
     *
     * @param exported exactly {@link SrtpProfile#keyingMaterialLength()} bytes
     * @param localIsDtlsClient whether this side was the DTLS client
     * @throws IllegalArgumentException if {@code exported} has the wrong length
     */
    public static SrtpKeyingMaterial fromDtlsExport(SrtpProfile profile, byte[] exported, boolean localIsDtlsClient) {
        int k = profile.masterKeyLength();
        int s = profile.masterSaltLength();
        if (exported.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("expected " + profile.keyingMaterialLength() + " bytes of keying material for "
                    + profile + ", got " + exported.length);
        }
        SrtpMasterKey client = new SrtpMasterKey(slice(exported, 0, k), slice(exported, 2 * k, s));
        SrtpMasterKey server = new SrtpMasterKey(slice(exported, k, k), slice(exported, 2 * k + s, s));
        return localIsDtlsClient
                ? new SrtpKeyingMaterial(profile, client, server)
                : new SrtpKeyingMaterial(profile, server, client);
    }

    /** A context protecting what this side sends (RTCP feedback, or RTP in the client role). */
    public SrtpContext outboundContext() {
        return SrtpContext.outbound(profile, local);
    }

    /** A context unprotecting what the peer sends. */
    public SrtpContext inboundContext() {
        return SrtpContext.inbound(profile, remote);
    }

    private static byte[] slice(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }
}
