package dev.ingot.server.interop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The real-publisher tooling of {@link InteropTools}, for tests in other packages. */
public final class InteropAccess {
    private InteropAccess() {
    }

    public static void requireFfmpeg() {
        InteropTools.requireFfmpeg();
    }

    public static void requireChromium() {
        InteropTools.requireChromium();
    }

    public static int run(String name, List<String> command, Duration timeout, Map<String, String> env)
            throws IOException, InterruptedException {
        return InteropTools.run(name, command, timeout, env);
    }
}
