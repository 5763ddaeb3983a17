package dev.ingot.server.sidechannel;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A side-channel reader written for the tests from the documented format alone (it shares no code with the
 * server): a plain blocking SocketChannel on the socket file, big-endian fields read one by one.
 */
final class TestReader implements AutoCloseable {
    record Video(long length, int width, int height, long ptsNanos, byte[] rgba) {
    }

    record Audio(long length, long startPtsNanos, int sampleRate, int channels, int samplesPerChannel,
            double[] samples) {
    }

    private final SocketChannel channel;
    private final DataInputStream in;

    private TestReader(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(Channels.newInputStream(channel));
    }

    static TestReader connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new TestReader(ch);
    }

    Video readVideo() throws IOException {
        long length = Integer.toUnsignedLong(in.readInt());
        int width = in.readInt();
        int height = in.readInt();
        long pts = in.readLong();
        if (length != 16 + 4L * width * height) {
            throw new IOException("video length " + length + " does not match " + width + "x" + height);
        }
        byte[] rgba = new byte[width * height * 4];
        in.readFully(rgba);
        return new Video(length, width, height, pts, rgba);
    }

    Audio readAudio() throws IOException {
        long length = Integer.toUnsignedLong(in.readInt());
        long pts = in.readLong();
        int rate = in.readInt();
        int channels = in.readUnsignedByte();
        int perChannel = in.readInt();
        if (length != 17 + 8L * channels * perChannel) {
            throw new IOException("audio length " + length + " does not match " + channels + "x" + perChannel);
        }
        double[] samples = new double[channels * perChannel];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = Double.longBitsToDouble(in.readLong());
        }
        return new Audio(length, pts, rate, channels, perChannel, samples);
    }

    /** Reads and discards until the server closes the connection; returns the bytes seen. */
    long drainToEnd() throws IOException {
        long n = 0;
        byte[] scratch = new byte[65536];
        int r;
        while ((r = in.read(scratch)) >= 0) {
            n += r;
        }
        return n;
    }

    /** Whether the next read sees the end of the stream at once (the server closed before sending anything). */
    boolean atEnd() throws IOException {
        try {
            in.readByte();
            return false;
        } catch (EOFException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
