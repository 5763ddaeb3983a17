package dev.ingot.microbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The 720p30 H264 test file of the decoding benchmark, made with the FFmpeg CLI that {@code .ci/install-deps}
 * installs ({@code interop/ffmpeg}), and its split into access units.
 *
 * <p>The file is 10 s of {@code testsrc2} at 1280x720, 30 fps, encoded by libx264 without B frames, GOP 60,
 * 2.5 Mbit/s, as a raw Annex B stream: {@value #FRAMES} frames. It is made once and kept (default
 * {@code microbench/target/}, or {@code -Dingot.microbench.dir}); a changed encoding command gives a new name.
 */
final class TestVideo {
    static final int FRAMES = 300;
    static final List<String> ENCODE_ARGS = List.of("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
            "-t", "10", "-c:v", "libx264", "-bf", "0", "-g", "60", "-b:v", "2.5M", "-f", "h264");

    private TestVideo() {
    }

    /**
     * The FFmpeg CLI: {@code -Dingot.ffmpeg}, else {@code $INGOT_FFMPEG}, else {@code interop/ffmpeg} under the
     * working directory (run.sh runs from the repository root).
     */
    static Path ffmpeg() {
        String p = System.getProperty("ingot.ffmpeg");
        if (p == null || p.isBlank()) {
            p = System.getenv("INGOT_FFMPEG");
        }
        Path path = Path.of(p == null || p.isBlank() ? "interop/ffmpeg" : p).toAbsolutePath();
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("no FFmpeg CLI at " + path + " (run from the repository root, "
                    + "after .ci/install-deps, or set -Dingot.ffmpeg)");
        }
        return path;
    }

    /** The test file, made now if it is not there yet. */
    static Path ensure() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("ingot.microbench.dir", "microbench/target")).toAbsolutePath();
        Files.createDirectories(dir);
        String name = "testsrc2-720p30-" + Integer.toHexString(ENCODE_ARGS.hashCode()) + ".h264";
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            return file;
        }
        Path part = dir.resolve(name + "." + ProcessHandle.current().pid() + ".part");
        List<String> cmd = new ArrayList<>(List.of(ffmpeg().toString(), "-hide_banner", "-loglevel", "error",
                "-nostdin", "-y"));
        cmd.addAll(ENCODE_ARGS);
        cmd.add(part.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            Files.deleteIfExists(part);
            throw new IllegalStateException("ffmpeg failed to make the test file: " + cmd + "\n" + out);
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Splits an Annex B stream into access units (start codes kept): a new one begins at an AUD, SPS, PPS or
     * SEI (NAL types 6-9, 14-18) after a slice, or at a slice with {@code first_mb_in_slice == 0} after a
     * slice (H.264 §7.4.1.2.3, simplified for one slice group and no redundant pictures).
     */
    static List<byte[]> accessUnits(byte[] stream) {
        List<Integer> nalStarts = new ArrayList<>(); // offset of each start code
        List<Integer> nalHeaders = new ArrayList<>(); // offset of each NAL header byte
        for (int i = 0; i + 3 <= stream.length; ) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                int start = i > 0 && stream[i - 1] == 0 ? i - 1 : i;
                nalStarts.add(start);
                nalHeaders.add(i + 3);
                i += 3;
            } else {
                i++;
            }
        }
        List<byte[]> units = new ArrayList<>();
        int auStart = -1;
        boolean auHasSlice = false;
        for (int n = 0; n < nalStarts.size(); n++) {
            int h = nalHeaders.get(n);
            if (h >= stream.length) {
                break;
            }
            int type = stream[h] & 0x1F;
            boolean slice = type == 1 || type == 5;
            boolean prefix = (type >= 6 && type <= 9) || (type >= 14 && type <= 18);
            boolean firstSliceOfPicture = slice && h + 1 < stream.length && (stream[h + 1] & 0x80) != 0;
            if (auStart >= 0 && auHasSlice && (prefix || firstSliceOfPicture)) {
                units.add(Arrays.copyOfRange(stream, auStart, nalStarts.get(n)));
                auStart = -1;
                auHasSlice = false;
            }
            if (auStart < 0) {
                auStart = nalStarts.get(n);
            }
            auHasSlice |= slice;
        }
        if (auStart >= 0 && auHasSlice) {
            units.add(Arrays.copyOfRange(stream, auStart, stream.length));
        }
        return units;
    }
}
