package dev.ingot.rtc.session;

import dev.ingot.rtc.ice.IceCredentials;
import java.time.Duration;

/**
 * Everything a {@link PublisherSession} needs from the offer/answer exchange.
 *
 * @param video                 null when no video was accepted
 * @param audio                 null when no audio was accepted
 * @param transportCcExtensionId header extension id of transport-wide sequence numbers, or -1
 * @param localSsrc             the SSRC we send RTCP from
 * @param dtlsClient            true when we are the DTLS client (the offer said setup:passive)
 * @param consentTimeout        silence (nothing authenticated from the publisher: no valid ICE check, DTLS or
 *                              SRTP/SRTCP) after which the session is closed
 * @param disconnectTimeout     silence after which the session is marked disconnected (a new offer may replace
 *                              it); traffic again marks it live. Shorter than {@code consentTimeout}
 * @param cname                 our RTCP CNAME (RFC 7022: at least 96 random bits)
 * @param rtcpMode              how our RTCP is packed into datagrams
 */
public record SessionParams(
        IceCredentials localIce,
        String remoteUfrag,
        String remotePwd,
        Duration consentTimeout,
        boolean dtlsClient,
        TrackParams video,
        TrackParams audio,
        int transportCcExtensionId,
        long localSsrc,
        String cname,
        Duration disconnectTimeout,
        RtcpMode rtcpMode) {

    /** Default silence before a session counts as disconnected. */
    public static final Duration DEFAULT_DISCONNECT_TIMEOUT = Duration.ofSeconds(5);

    public SessionParams {
        if (disconnectTimeout.isNegative() || disconnectTimeout.isZero()) {
            throw new IllegalArgumentException("disconnect timeout must be positive");
        }
        java.util.Objects.requireNonNull(rtcpMode, "rtcpMode");
    }

    /** With the default disconnect timeout (capped below {@code consentTimeout}) and compound RTCP. */
    public SessionParams(IceCredentials localIce, String remoteUfrag, String remotePwd, Duration consentTimeout,
            boolean dtlsClient, TrackParams video, TrackParams audio, int transportCcExtensionId, long localSsrc,
            String cname) {
        this(localIce, remoteUfrag, remotePwd, consentTimeout, dtlsClient, video, audio, transportCcExtensionId,
                localSsrc, cname, min(DEFAULT_DISCONNECT_TIMEOUT, consentTimeout.dividedBy(2)), RtcpMode.COMPOUND);
    }

    /** An RTCP CNAME of 96 random bits (RFC 7022 §4.2 asks for at least 96), as 24 hex digits. */
    public static String randomCname(java.util.random.RandomGenerator random) {
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 3; i++) {
            sb.append(String.format("%08x", random.nextInt()));
        }
        return sb.toString();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
