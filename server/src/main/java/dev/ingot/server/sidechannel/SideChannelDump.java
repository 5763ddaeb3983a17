package dev.ingot.server.sidechannel;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reference side-channel reader ({@code bin/sidechannel-dump}): connects to an input's video and audio sockets
 * (whichever exist, reconnecting when they come and go) and prints once a second what arrives: frames per
 * second, resolution and last PTS; audio batches per second, sample rate, channels and RMS level per channel in
 * dBFS. It checks every length against the header before reading on, so it also serves as a format check.
 */
public final class SideChannelDump {
    private static final String USAGE = "usage: sidechannel-dump <socket_dir> <input_id> [--seconds N]";

    private SideChannelDump() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns the exit status (0 done, 2 bad arguments). */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length != 2 && args.length != 4 || args.length == 4 && !args[2].equals("--seconds")) {
            err.println(USAGE);
            return 2;
        }
        Path dir = Path.of(args[0]);
        String inputId = args[1];
        double seconds = Double.POSITIVE_INFINITY;
        if (args.length == 4) {
            try {
                seconds = Double.parseDouble(args[3]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (!(seconds > 0)) {
                err.println("--seconds must be a positive number, got " + args[3]);
                return 2;
            }
        }
        if (!Files.isDirectory(dir)) {
            err.println(dir + " is not a directory (the server's SMELTER_SIDE_CHANNEL_SOCKET_DIR)");
            return 2;
        }
        Path videoPath;
        Path audioPath;
        try {
            videoPath = dir.resolve(SideChannelWireFormat.videoSocketName(inputId));
            audioPath = dir.resolve(SideChannelWireFormat.audioSocketName(inputId));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Connection video = new Connection(videoPath, true, err);
        Connection audio = new Connection(audioPath, false, err);
        video.start();
        audio.start();
        try {
            report(seconds, out, video, audio);
        } finally {
            video.stop();
            audio.stop();
        }
        return 0;
    }

    private static void report(double seconds, PrintStream out, Connection video, Connection audio)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = Double.isInfinite(seconds) ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
        long tick = start;
        int second = 0;
        while (true) {
            tick += 1_000_000_000L;
            long wake = Math.min(tick, end);
            long now = System.nanoTime();
            if (wake > now) {
                Thread.sleep((wake - now) / 1_000_000, (int) ((wake - now) % 1_000_000));
            }
            double elapsed = Math.max(1e-3, (Math.min(tick, end) - (tick - 1_000_000_000L)) / 1e9);
            second++;
            out.println(String.format(Locale.ROOT, "[%4ds] ", second) + video.report(elapsed) + " | "
                    + audio.report(elapsed));
            out.flush();
            if (tick >= end) {
                return;
            }
        }
    }

    /** Decibels relative to full scale of a root-mean-square level (1.0 = 0 dBFS); "-inf" for silence. */
    static String dbfs(double rms) {
        return rms > 0 ? String.format(Locale.ROOT, "%.1f", 20 * Math.log10(rms)) : "-inf";
    }

    /** One socket: a thread that keeps connected while the file exists, reads messages and counts. */
    private static final class Connection {
        private final Path path;
        private final boolean video;
        private final PrintStream err;
        private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16);
        private Thread thread;
        private volatile boolean stopped;
        // guarded by this
        private String state = "waiting";
        private long messages;
        private int width;
        private int height;
        private long lastPts = -1;
        private int sampleRate;
        private int channels;
        private final double[] sumSquares = new double[2];
        private long samplesPerChannel;

        Connection(Path path, boolean video, PrintStream err) {
            this.path = path;
            this.video = video;
            this.err = err;
        }

        void start() {
            thread = new Thread(this::loop, "sidechannel-dump-" + (video ? "video" : "audio"));
            thread.setDaemon(true);
            thread.start();
        }

        /** Disconnects and ends the thread. */
        void stop() throws InterruptedException {
            stopped = true;
            thread.interrupt(); // also closes a channel blocked in read (an interruptible channel)
            thread.join(2000);
        }

        private void loop() {
            while (!stopped) {
                if (!Files.exists(path)) {
                    setState("no socket");
                } else {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        ch.connect(UnixDomainSocketAddress.of(path));
                        setState("connected");
                        while (true) {
                            if (video) {
                                readVideo(ch);
                            } else {
                                readAudio(ch);
                            }
                        }
                    } catch (EOFException e) {
                        setState("closed by server");
                    } catch (IOException e) {
                        if (stopped) {
                            return;
                        }
                        setState("error: " + e.getMessage());
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void setState(String s) {
            if (!s.equals(state) && s.startsWith("error")) {
                err.println((video ? "video: " : "audio: ") + s);
            }
            state = s;
        }

        private void readVideo(SocketChannel ch) throws IOException {
            ByteBuffer h = readFully(ch, SideChannelWireFormat.LENGTH_BYTES + SideChannelWireFormat.VIDEO_HEADER_BYTES);
            long length = Integer.toUnsignedLong(h.getInt());
            int w = h.getInt();
            int hgt = h.getInt();
            long pts = h.getLong();
            if (w <= 0 || hgt <= 0 || w > SideChannelWireFormat.MAX_DIMENSION || hgt > SideChannelWireFormat.MAX_DIMENSION
                    || length != SideChannelWireFormat.videoBodyLength(w, hgt)) {
                throw new IOException("bad video message: length " + length + " for " + w + "x" + hgt);
            }
            skip(ch, length - SideChannelWireFormat.VIDEO_HEADER_BYTES);
            synchronized (this) {
                messages++;
                width = w;
                height = hgt;
                lastPts = pts;
            }
        }

        private void readAudio(SocketChannel ch) throws IOException {
            ByteBuffer h = readFully(ch, SideChannelWireFormat.LENGTH_BYTES + SideChannelWireFormat.AUDIO_HEADER_BYTES);
            long length = Integer.toUnsignedLong(h.getInt());
            long pts = h.getLong();
            int rate = h.getInt();
            int ch1 = Byte.toUnsignedInt(h.get());
            long perChannel = Integer.toUnsignedLong(h.getInt());
            if ((ch1 != 1 && ch1 != 2) || length != SideChannelWireFormat.AUDIO_HEADER_BYTES + 8L * ch1 * perChannel) {
                throw new IOException("bad audio message: length " + length + " for " + ch1 + " x " + perChannel);
            }
            double[] sums = new double[2];
            long remaining = 8L * ch1 * perChannel;
            long index = 0;
            while (remaining > 0) {
                int chunk = (int) Math.min(remaining, scratch.capacity());
                ByteBuffer b = readFully(ch, chunk);
                DoubleBuffer d = b.asDoubleBuffer();
                while (d.hasRemaining()) {
                    double s = d.get();
                    sums[(int) (index++ % ch1)] += s * s;
                }
                remaining -= chunk;
            }
            synchronized (this) {
                if (rate != sampleRate || ch1 != channels) {
                    sumSquares[0] = 0;
                    sumSquares[1] = 0;
                    samplesPerChannel = 0;
                }
                messages++;
                sampleRate = rate;
                channels = ch1;
                lastPts = pts;
                sumSquares[0] += sums[0];
                sumSquares[1] += sums[1];
                samplesPerChannel += perChannel;
            }
        }

        /** Reads exactly {@code n} (at most the scratch size, a multiple of 8 for samples) bytes. */
        private ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
            scratch.clear().limit(n);
            while (scratch.hasRemaining()) {
                if (ch.read(scratch) < 0) {
                    throw new EOFException();
                }
            }
            return scratch.flip();
        }

        private void skip(SocketChannel ch, long n) throws IOException {
            while (n > 0) {
                int chunk = (int) Math.min(n, scratch.capacity());
                readFully(ch, chunk);
                n -= chunk;
            }
        }

        /** One status column for the last {@code seconds}, resetting the per-second counters. */
        synchronized String report(double seconds) {
            String kind = video ? "video" : "audio";
            if (!state.equals("connected") && messages == 0) {
                return kind + ": " + state;
            }
            String pts = lastPts < 0 ? "-" : String.format(Locale.ROOT, "%.3f s", lastPts / 1e9);
            String line;
            if (video) {
                line = String.format(Locale.ROOT, "video %5.1f fps %s pts %s", messages / seconds,
                        width > 0 ? width + "x" + height : "-", pts);
            } else {
                String level;
                if (samplesPerChannel == 0) {
                    level = "-";
                } else if (channels == 1) {
                    level = dbfs(Math.sqrt(sumSquares[0] / samplesPerChannel));
                } else {
                    level = dbfs(Math.sqrt(sumSquares[0] / samplesPerChannel)) + " / "
                            + dbfs(Math.sqrt(sumSquares[1] / samplesPerChannel));
                }
                line = String.format(Locale.ROOT, "audio %5.1f batches/s %s Hz %s ch RMS %s dBFS pts %s",
                        messages / seconds, sampleRate > 0 ? sampleRate : "-", channels > 0 ? channels : "-", level,
                        pts);
            }
            if (!state.equals("connected")) {
                line += " (" + state + ")";
            }
            messages = 0;
            sumSquares[0] = 0;
            sumSquares[1] = 0;
            samplesPerChannel = 0;
            return line;
        }
    }
}
