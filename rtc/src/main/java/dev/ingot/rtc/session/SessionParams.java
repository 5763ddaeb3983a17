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
        String cname) {
}
