package dev.ingot.media.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * H.265 test streams from libx265 in the FFmpeg CLI ({@code interop/ffmpeg}, installed by {@code .ci/install-deps}):
 * {@link TestPattern} frames go in as raw I420 on stdin, an Annex B stream with an access unit delimiter before
 * every access unit comes out on stdout and is split at them. On CI ({@code CI=true}) a missing CLI fails the
 * test; elsewhere it is skipped.
 */
final class CliHevcEncoder {
    private CliHevcEncoder() {
    }

    /** The repository's {@code interop/ffmpeg}, found from the working directory upwards. */
    static Path ffmpeg() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("interop/ffmpeg"))) {
            p = p.getParent();
        }
        Path cli = p == null ? null : p.resolve("interop/ffmpeg");
        String cache = System.getenv().getOrDefault("INGOT_CACHE", System.getProperty("user.home") + "/.cache/ingot");
        boolean present = cli != null && Files.isExecutable(Path.of(cache, "ffmpeg-8.1.2-1.5.14", "ffmpeg"));
        String msg = "the FFmpeg CLI (interop/ffmpeg) is not installed; run `bash .ci/install-deps`";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.assertTrue(present, msg);
        } else {
            Assumptions.assumeTrue(present, msg);
        }
        return cli;
    }

    static List<TestEncoder.Unit> encode(int width, int height, int frames, IntPredicate forceKeyframe) {
        StringBuilder keyframes = new StringBuilder("expr:eq(n,0)");
        for (int i = 1; i < frames; i++) {
            if (forceKeyframe.test(i)) {
                keyframes.append("+eq(n,").append(i).append(')');
            }
        }
        List<String> command = List.of(ffmpeg().toString(), "-hide_banner", "-loglevel", "error",
                "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", width + "x" + height, "-r", "30", "-i", "-",
                "-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency", "-forced-idr", "1",
                "-force_key_frames", keyframes.toString(),
                "-x265-params", "keyint=100000:min-keyint=100000:scenecut=0:bframes=0:aud=1:repeat-headers=1"
                        + ":log-level=error:pools=1:frame-threads=1",
                "-b:v", "2M", "-f", "hevc", "-");
        byte[] stream = run(command, width, height, frames);
        List<TestEncoder.Unit> units = new ArrayList<>();
        List<Integer> starts = audStarts(stream);
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : stream.length;
            byte[] au = java.util.Arrays.copyOfRange(stream, starts.get(i), end);
            units.add(new TestEncoder.Unit(au, i, Keyframes.h265HasIrap(au, au.length)));
        }
        if (units.size() != frames) {
            throw new IllegalStateException("libx265 gave " + units.size() + " access units for " + frames + " frames");
        }
        return units;
    }

    private static byte[] run(List<String> command, int width, int height, int frames) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (OutputStream in = p.getOutputStream()) {
                for (int i = 0; i < frames; i++) {
                    TestPattern t = TestPattern.frame(width, height, i);
                    in.write(t.y);
                    in.write(t.u);
                    in.write(t.v);
                }
            }
            byte[] stream = out.join();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("ffmpeg (libx265) failed: " + command);
            }
            return stream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offsets of the start codes that begin an access unit delimiter (nal_unit_type 35). */
    private static List<Integer> audStarts(byte[] s) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i + 4 < s.length; i++) {
            if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1 && ((s[i + 3] >> 1) & 0x3f) == 35) {
                out.add(i > 0 && s[i - 1] == 0 ? i - 1 : i);
            }
        }
        return out;
    }
}
