package dev.ingot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's media, made once with the FFmpeg CLI and cached: H264 720p30 constrained baseline (no
 * B-frames, GOP 2 s, ~2.5 Mbit/s) as an Annex B file, and Opus 48 kHz stereo in Ogg, plus both already cut
 * into what the pacer sends (RTP payloads per video frame, Opus packets with their durations).
 */
public final class Media {
    /** Video frame rate of the cached stream. */
    public static final int FPS = 30;
    /** RTP payload size limit for the H264 packetizer. */
    public static final int MAX_PAYLOAD = 1200;

    public final Path h264;
    public final Path ogg;
    public final List<List<byte[]>> videoFrames;
    public final List<Boolean> keyframes;
    public final List<byte[]> audioPackets;
    public final int[] audioSamples;
    public final long videoBytes;

    private Media(Path h264, Path ogg) throws IOException {
        this.h264 = h264;
        this.ogg = ogg;
        List<AnnexB.AccessUnit> aus = AnnexB.accessUnits(AnnexB.nalUnits(Files.readAllBytes(h264)));
        if (aus.isEmpty() || !aus.get(0).idr()) {
            throw new IOException(h264 + ": no access units, or the first is not an IDR");
        }
        H264Packetizer packetizer = new H264Packetizer(MAX_PAYLOAD);
        videoFrames = new ArrayList<>();
        keyframes = new ArrayList<>();
        long bytes = 0;
        for (AnnexB.AccessUnit au : aus) {
            videoFrames.add(packetizer.packetize(au.nals()));
            keyframes.add(au.idr());
            bytes += au.bytes();
        }
        videoBytes = bytes;
        audioPackets = OggOpusReader.packets(Files.readAllBytes(ogg));
        audioSamples = audioPackets.stream().mapToInt(OggOpusReader::samples48k).toArray();
    }

    /** Video frames in the file. */
    public int frameCount() {
        return videoFrames.size();
    }

    /** The average video bitrate in bit/s. */
    public double videoBitrate() {
        return videoBytes * 8.0 * FPS / frameCount();
    }

    /**
     * Makes the media in {@code dir} unless it is there already (the file names carry the recipe, so a changed
     * recipe makes new files), then loads it.
     */
    public static Media prepare(Path ffmpeg, Path dir, int seconds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path h264 = dir.resolve("bench-720p30-cbp-2500k-g60-" + seconds + "s.h264");
        Path ogg = dir.resolve("bench-opus-48k-stereo-20ms-" + seconds + "s.ogg");
        if (!Files.isRegularFile(h264)) {
            System.err.println("bench: making " + h264 + " (once; x264 takes a while)…");
            // testsrc2 with light temporal noise: moving, textured content that really needs ~2.5 Mbit/s
            run(ffmpeg, dir, h264, List.of("-f", "lavfi", "-i",
                    "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t+u", "-t", String.valueOf(seconds),
                    "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-tune", "zerolatency",
                    "-bf", "0", "-g", "60", "-keyint_min", "60", "-b:v", "2.5M", "-maxrate", "2.5M",
                    "-bufsize", "1M", "-pix_fmt", "yuv420p", "-f", "h264"));
        }
        if (!Files.isRegularFile(ogg)) {
            System.err.println("bench: making " + ogg + " (once)…");
            run(ffmpeg, dir, ogg, List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", String.valueOf(seconds), "-ac", "2", "-c:a", "libopus", "-b:a", "64k",
                    "-frame_duration", "20", "-application", "lowdelay", "-f", "ogg"));
        }
        return new Media(h264, ogg);
    }

    private static void run(Path ffmpeg, Path dir, Path target, List<String> args)
            throws IOException, InterruptedException {
        Path tmp = dir.resolve(target.getFileName() + ".part");
        List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error",
                "-nostdin", "-y"));
        cmd.addAll(args);
        cmd.add(tmp.toString());
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            Files.deleteIfExists(tmp);
            throw new IOException("ffmpeg failed making " + target + ": " + String.join(" ", cmd));
        }
        Files.move(tmp, target);
    }
}
