package dev.ingot.rtc.session;

import java.net.InetSocketAddress;

/** What a {@link PublisherSession} tells its driver, polled with {@link PublisherSession#pollEvent()}. */
public sealed interface SessionEvent {
    /** ICE chose (or changed) the publisher's address; DTLS may start (we start it when we are the client). */
    record IceConnected(InetSocketAddress remote) implements SessionEvent {
    }

    /** A DTLS record from the publisher, for the DTLS engine. */
    record DtlsRecord(byte[] data) implements SessionEvent {
    }

    /** SRTP keys are installed: media can be authenticated from now on. */
    record SrtpReady(String profile) implements SessionEvent {
    }

    /**
     * Nothing authenticated came from the publisher for the disconnect timeout (a crash, a network gone): a new
     * offer for the input may now replace this session. It closes itself after the consent timeout.
     */
    record Disconnected(long silentNanos) implements SessionEvent {
    }

    /** Authenticated traffic again after {@link Disconnected}: the session is live. */
    record Reconnected(long silentNanos) implements SessionEvent {
    }

    /** The publisher said BYE for a media SSRC. */
    record ByeReceived(long ssrc) implements SessionEvent {
    }

    /** The session is over; nothing more will come from it. */
    record Closed(String reason) implements SessionEvent {
    }
}
