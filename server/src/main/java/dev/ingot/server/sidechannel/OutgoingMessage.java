package dev.ingot.server.sidechannel;

import dev.ingot.media.frame.VideoFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/** One message waiting in a reader's queue; it owns what it needs until {@link #release()}. */
sealed interface OutgoingMessage {
    /** Writes the whole message (length prefix included) to a blocking channel. */
    void writeTo(GatheringByteChannel channel) throws IOException;

    /** Gives back what the message holds; called exactly once, whether it was written or dropped. */
    void release();

    /**
     * A decoded picture and the PTS to send it with; holds one reference to the frame. The RGBA conversion
     * happens here, on the reader's writer thread, on the first write of the frame to any reader, so the
     * decoding thread never pays for it and nobody pays for it while no video reader is connected.
     */
    record Video(VideoFrame frame, long ptsNanos) implements OutgoingMessage {
        @Override
        public void writeTo(GatheringByteChannel channel) throws IOException {
            ByteBuffer[] parts = {SideChannelWireFormat.videoPrefix(frame.width(), frame.height(), ptsNanos),
                    frame.rgba()};
            writeFully(channel, parts);
        }

        @Override
        public void release() {
            frame.release();
        }
    }

    /** An encoded audio message shared by all readers; each reader gets its own view of the bytes. */
    record Audio(ByteBuffer bytes) implements OutgoingMessage {
        @Override
        public void writeTo(GatheringByteChannel channel) throws IOException {
            writeFully(channel, new ByteBuffer[] {bytes.duplicate()});
        }

        @Override
        public void release() {
        }
    }

    private static void writeFully(GatheringByteChannel channel, ByteBuffer[] parts) throws IOException {
        for (ByteBuffer part : parts) {
            while (part.hasRemaining()) {
                channel.write(parts);
            }
        }
    }
}
