package dev.ingot.server.input;

/** Which decoded media of an input go to Unix-socket side channels, and with how much lead time. */
public record SideChannelOptions(boolean video, boolean audio, double delayMs) {
    public static final SideChannelOptions NONE = new SideChannelOptions(false, false, 0);

    public boolean any() {
        return video || audio;
    }
}
