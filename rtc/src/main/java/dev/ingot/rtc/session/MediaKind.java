package dev.ingot.rtc.session;

/** The two kinds of media a WHIP publisher sends us. */
public enum MediaKind {
    AUDIO, VIDEO
}
