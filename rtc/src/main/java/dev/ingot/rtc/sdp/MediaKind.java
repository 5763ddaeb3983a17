package dev.ingot.rtc.sdp;

import java.util.Locale;

/** The media type of an {@code m=} line (RFC 8866 §5.14); anything but audio, video and application is OTHER. */
public enum MediaKind {
    AUDIO, VIDEO, APPLICATION, OTHER;

    static MediaKind of(String media) {
        return switch (media.toLowerCase(Locale.ROOT)) {
            case "audio" -> AUDIO;
            case "video" -> VIDEO;
            case "application" -> APPLICATION;
            default -> OTHER;
        };
    }

    /** The SDP spelling (lower case); OTHER has none, callers keep the offered text instead. */
    public String sdpName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
