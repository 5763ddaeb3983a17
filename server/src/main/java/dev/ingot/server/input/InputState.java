package dev.ingot.server.input;

/** Where a registered WHIP input stands, as shown in /status and /stats. */
public enum InputState {
    /** Registered, no publisher yet (or the last one left). */
    WAITING_FOR_PUBLISHER,
    /** A publisher POSTed an offer; ICE/DTLS not done yet. */
    CONNECTING,
    /** ICE and DTLS done, media may flow. */
    CONNECTED,
    /** Unregistered; nothing more happens. */
    CLOSED;

    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
