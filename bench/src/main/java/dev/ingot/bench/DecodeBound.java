package dev.ingot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor Ingot is measured against: the FFmpeg CLI decoding the same H264 on one thread, as fast as it
 * can, with and without the conversion to RGBA; its CPU time (user + system, from the shell's {@code times})
 * less a one-frame run's (process start, probing), per frame, times 30 fps = cores per stream.
 */
public final class DecodeBound {
    private static final Pattern TIME = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s");

    /** Cores per 30 fps stream for decoding to YUV only, and for decoding plus conversion to RGBA. */
    public record Result(double yuvCores, double rgbaCores, int frames) {
    }

    private DecodeBound() {
    }

    public static Result measure(Path ffmpeg, Path h264, int frames) throws IOException, InterruptedException {
        double yuvAll = cpuSeconds(ffmpeg, h264, false, 0);
        double yuvOne = cpuSeconds(ffmpeg, h264, false, 1);
        double rgbaAll = cpuSeconds(ffmpeg, h264, true, 0);
        double rgbaOne = cpuSeconds(ffmpeg, h264, true, 1);
        double perFrameYuv = Math.max(0, yuvAll - yuvOne) / (frames - 1);
        double perFrameRgba = Math.max(0, rgbaAll - rgbaOne) / (frames - 1);
        return new Result(perFrameYuv * Media.FPS, perFrameRgba * Media.FPS, frames);
    }

    /** CPU seconds of one ffmpeg run; {@code maxFrames} 0 = the whole file. */
    static double cpuSeconds(Path ffmpeg, Path h264, boolean rgba, int maxFrames) throws IOException, InterruptedException {
        String cmd = "'" + ffmpeg + "' -hide_banner -loglevel error -nostdin -nostats -threads 1 -i '" + h264 + "'"
                + " -filter_threads 1" + (maxFrames > 0 ? " -frames:v " + maxFrames : "")
                + (rgba ? " -pix_fmt rgba" : "") + " -f null - >/dev/null 2>&1 </dev/null || exit 1; times";
        Process p = new ProcessBuilder(List.of("bash", "-c", cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg decode run failed: " + cmd);
        }
        String[] lines = out.strip().split("\n");
        Matcher m = TIME.matcher(lines[lines.length - 1]); // second line of `times`: the children's user and system
        if (!m.find()) {
            throw new IOException("cannot read CPU time from: " + out);
        }
        return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    }
}
