package dev.ingot.rtc.dtls;

import java.util.List;

/**
 * Tunables of a DTLS-SRTP handshake.
 *
 * @param srtpProfiles            SRTP protection profile ids ({@link SrtpProfileIds}) in preference order: as a
 *                                client, what we offer in {@code use_srtp}; as a server, the order we pick from what
 *                                the client offered (RFC 5764 §4.1.1)
 * @param handshakeTimeoutMillis  the whole handshake must finish within this long, counted from the call
 * @param initialRetransmitMillis first flight retransmission timer; it doubles on each retry (RFC 6347 §4.2.4.1)
 */
public record DtlsSrtpOptions(List<Integer> srtpProfiles, int handshakeTimeoutMillis, int initialRetransmitMillis) {
    /** First retransmission of a flight, in milliseconds. */
    public static final int DEFAULT_INITIAL_RETRANSMIT_MILLIS = 100;

    /**
     * The defaults for {@code role}: a server picks GCM, then AES-CM with 80-bit tag, then with 32-bit tag; a client
     * offers GCM then AES-CM with 80-bit tag (as browsers do). 10 s handshake timeout; first retransmission after
     * {@value #DEFAULT_INITIAL_RETRANSMIT_MILLIS} ms, doubling (RFC 6347 suggests 1 s; libwebrtc uses 50 ms to 3 s
     * from the ICE round-trip time: on a WebRTC path a lost flight must not cost a second).
     */
    public static DtlsSrtpOptions defaults(DtlsRole role) {
        List<Integer> profiles = switch (role) {
            case SERVER -> List.of(SrtpProfileIds.AEAD_AES_128_GCM,
                    SrtpProfileIds.AES128_CM_HMAC_SHA1_80,
                    SrtpProfileIds.AES128_CM_HMAC_SHA1_32);
            case CLIENT -> List.of(SrtpProfileIds.AEAD_AES_128_GCM, SrtpProfileIds.AES128_CM_HMAC_SHA1_80);
        };
        return new DtlsSrtpOptions(profiles, 10_000, DEFAULT_INITIAL_RETRANSMIT_MILLIS);
    }

    /** @throws IllegalArgumentException on an empty or unsupported profile list or non-positive times */
    public DtlsSrtpOptions {
        srtpProfiles = List.copyOf(srtpProfiles);
        if (srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is required");
        }
        for (int profile : srtpProfiles) {
            if (!SrtpProfileIds.isSupported(profile)) {
                throw new IllegalArgumentException("unsupported SRTP profile " + SrtpProfileIds.name(profile));
            }
        }
        if (srtpProfiles.stream().distinct().count() != srtpProfiles.size()) {
            throw new IllegalArgumentException("duplicate SRTP profile in " + srtpProfiles);
        }
        if (handshakeTimeoutMillis <= 0 || initialRetransmitMillis <= 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public DtlsSrtpOptions withSrtpProfiles(List<Integer> profiles) {
        return new DtlsSrtpOptions(profiles, handshakeTimeoutMillis, initialRetransmitMillis);
    }

    public DtlsSrtpOptions withHandshakeTimeoutMillis(int millis) {
        return new DtlsSrtpOptions(srtpProfiles, millis, initialRetransmitMillis);
    }

    public DtlsSrtpOptions withInitialRetransmitMillis(int millis) {
        return new DtlsSrtpOptions(srtpProfiles, handshakeTimeoutMillis, millis);
    }

    int[] srtpProfileArray() {
        return srtpProfiles.stream().mapToInt(Integer::intValue).toArray();
    }
}
