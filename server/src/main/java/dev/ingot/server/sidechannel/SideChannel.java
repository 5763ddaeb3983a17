package dev.ingot.server.sidechannel;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.input.SideChannelOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One input's side channel: a Unix domain socket {@code video_<input_id>.sock} publishing its decoded RGBA
 * frames and/or {@code audio_<input_id>.sock} publishing its decoded PCM batches, in Smelter's wire format
 * ({@link SideChannelWireFormat}). Offering never blocks: each reader has its own bounded queue.
 */
public final class SideChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SideChannel.class);
    private final String inputId;
    private final SideChannelOptions options;
    private final SideChannelSocket video;
    private final SideChannelSocket audio;

    private SideChannel(String inputId, SideChannelOptions options, SideChannelSocket video,
            SideChannelSocket audio) {
        this.inputId = inputId;
        this.options = options;
        this.video = video;
        this.audio = audio;
    }

    /** Creates the sockets {@code options} asks for in {@code dir}; nothing is created if it asks for none. */
    public static SideChannel open(Path dir, String inputId, SideChannelOptions options) throws IOException {
        SideChannelSocket v = null;
        SideChannelSocket a = null;
        try {
            if (options.video()) {
                v = SideChannelSocket.open(dir.resolve(SideChannelWireFormat.videoSocketName(inputId)),
                        "video_" + inputId, SideChannelWireFormat.VIDEO_QUEUE_CAPACITY);
            }
            if (options.audio()) {
                a = SideChannelSocket.open(dir.resolve(SideChannelWireFormat.audioSocketName(inputId)),
                        "audio_" + inputId, SideChannelWireFormat.AUDIO_QUEUE_CAPACITY);
            }
        } catch (IOException | RuntimeException e) {
            if (v != null) {
                v.close();
            }
            throw e;
        }
        return new SideChannel(inputId, options, v, a);
    }

    public String inputId() {
        return inputId;
    }

    public SideChannelOptions options() {
        return options;
    }

    public Optional<Path> videoSocket() {
        return Optional.ofNullable(video).map(SideChannelSocket::path);
    }

    public Optional<Path> audioSocket() {
        return Optional.ofNullable(audio).map(SideChannelSocket::path);
    }

    /** Whether a video reader is connected now (only then is anything converted to RGBA for the side channel). */
    public boolean hasVideoReaders() {
        return video != null && video.hasReaders();
    }

    public boolean hasAudioReaders() {
        return audio != null && audio.hasReaders();
    }

    /**
     * Sends {@code frame} to every connected video reader that has room, with PTS {@code ptsNanos}, taking over
     * the caller's reference. Each reader queue that takes the frame holds one reference and releases it once
     * the frame is written or the reader is gone. All references are taken here, before any writer thread sees
     * the frame, so the caller never waits on a conversion in progress. The RGBA conversion happens later, on
     * the first writer thread that needs it, and not at all when no reader takes the frame.
     */
    public void offerVideo(VideoFrame frame, long ptsNanos) {
        List<ReaderConnection> takers = video == null ? List.of() : video.reserve();
        if (takers.isEmpty()) {
            frame.release();
            return;
        }
        for (int i = 1; i < takers.size(); i++) {
            frame.retain();
        }
        for (ReaderConnection r : takers) {
            OutgoingMessage.Video m = new OutgoingMessage.Video(frame, ptsNanos);
            if (!r.fill(m)) {
                m.release();
            }
        }
    }

    /**
     * Sends {@code batch} to every connected audio reader that has room, with start PTS {@code ptsNanos}; encoded
     * once, only when some reader takes it.
     */
    public void offerAudio(AudioBatch batch, long ptsNanos) {
        List<ReaderConnection> takers = audio == null ? List.of() : audio.reserve();
        if (takers.isEmpty()) {
            return;
        }
        ByteBuffer bytes;
        try {
            bytes = SideChannelWireFormat.audioMessage(batch, ptsNanos);
        } catch (IllegalArgumentException e) { // a batch beyond the format's 4 GiB length: never from a decoder
            takers.forEach(ReaderConnection::cancel);
            LOG.warn("input={} audio batch not sent to the side channel: {}", inputId, e.getMessage());
            return;
        }
        OutgoingMessage.Audio message = new OutgoingMessage.Audio(bytes);
        for (ReaderConnection r : takers) {
            r.fill(message);
        }
    }

    public SideChannelStats stats() {
        return new SideChannelStats(video == null ? SocketStats.DISABLED : video.stats(),
                audio == null ? SocketStats.DISABLED : audio.stats());
    }

    /** Disconnects every reader, releases what their queues hold and removes the socket files. Idempotent. */
    @Override
    public void close() {
        try {
            if (video != null) {
                video.close();
            }
        } finally {
            if (audio != null) {
                audio.close();
            }
        }
    }
}
