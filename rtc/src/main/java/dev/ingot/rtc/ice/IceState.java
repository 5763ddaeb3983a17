package dev.ingot.rtc.ice;

/** Connection state of an {@link IceLiteAgent} (a reduced RFC 8445 §6.1.3 / W3C iceConnectionState). */
public enum IceState {
    /** Created; {@link IceLiteAgent#start} not called and no valid check received yet. */
    NEW,
    /** Started (the answer is out); waiting for the first valid connectivity check. */
    CHECKING,
    /** A valid check was answered: there is a selected address and consent is fresh. */
    CONNECTED,
    /** Consent expired (RFC 7675 §5.1); final: the agent answers nothing any more. */
    DISCONNECTED
}
