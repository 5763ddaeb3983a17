package dev.ingot.rtc.srtp;

/**
 * The session keys derived from one master key (RFC 3711 §4.3): encryption key, authentication key (empty for AEAD
 * profiles) and salt, for SRTP and for SRTCP.
 */
record SrtpSessionKeys(
        byte[] rtpEncryptionKey, byte[] rtpAuthKey, byte[] rtpSalt,
        byte[] rtcpEncryptionKey, byte[] rtcpAuthKey, byte[] rtcpSalt) {

    /** Session keys used as given, for both SRTP and SRTCP (as the RFC 7714 §16-17 vectors do). */
    static SrtpSessionKeys same(byte[] encryptionKey, byte[] authKey, byte[] salt) {
        return new SrtpSessionKeys(encryptionKey, authKey, salt, encryptionKey, authKey, salt);
    }

    @Override
    public String toString() {
        return "SrtpSessionKeys[redacted]";
    }
}
