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

    /**
     * Publishes FFmpeg's test pattern (320x240 30 fps H264 + Opus, {@code interop/ffmpeg-whip.sh}) to a WHIP URL
     * for {@code seconds}, on a thread of its own; join it to wait for the end.
     */
    public static Thread publishWithFfmpeg(String name, String whipUrl, String token, int seconds) {
        return Thread.ofPlatform().name("ffmpeg-" + name).start(() -> {
            try {
                InteropTools.run(name, List.of("interop/ffmpeg-whip.sh", whipUrl, token, Integer.toString(seconds)),
                        Duration.ofSeconds(seconds + 50L), Map.of("INGOT_FFMPEG_VIDEO_SOURCE", "testsrc2=size=320x240:rate=30"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public static int run(String name, List<String> command, Duration timeout, Map<String, String> env)
            throws IOException, InterruptedException {
        return InteropTools.run(name, command, timeout, env);
    }
}
