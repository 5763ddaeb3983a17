package dev.ingot.server.sidechannel;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.input.SideChannelOptions;
import dev.ingot.server.pipeline.InputMediaListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side channels of all inputs, in one directory ({@code SMELTER_SIDE_CHANNEL_SOCKET_DIR}): opened when an
 * input is registered, closed (files removed) when it is unregistered, on reset and on shutdown. As an
 * {@link InputMediaListener} it routes each input's decoded media to that input's channel, from
 * {@code POST /api/start} on: before it, queue PTS mean nothing yet, and Smelter's side channel sends nothing
 * until its queue has a start time (readers may connect at any time; they simply get nothing until then).
 */
public final class SideChannels implements InputMediaListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SideChannels.class);

    private final Path dir;
    private final BooleanSupplier started;
    private final ConcurrentMap<String, SideChannel> channels = new ConcurrentHashMap<>();

    /** @param started whether the queue has started ({@code PipelineClock::started}): nothing is sent before */
    public SideChannels(Path dir, BooleanSupplier started) {
        this.dir = dir;
        this.started = started;
    }

    public Path dir() {
        return dir;
    }

    /** Opens the side channel {@code input}'s spec asks for; empty if it asks for none. */
    public Optional<SideChannel> open(RegisteredInput input) throws IOException {
        return open(input.id(), input.spec().sideChannel());
    }

    /**
     * Opens {@code inputId}'s side channel as {@code options} asks (replacing one still open under that id);
     * empty, and nothing created, if it asks for neither video nor audio.
     *
     * @throws IOException if a socket cannot be created (e.g. the path is longer than a Unix socket allows)
     */
    public Optional<SideChannel> open(String inputId, SideChannelOptions options) throws IOException {
        SideChannel previous = channels.remove(inputId);
        if (previous != null) {
            LOG.warn("input={} side channel opened again: closing the previous one", inputId);
            previous.close();
        }
        if (!options.any()) {
            return Optional.empty();
        }
        SideChannel channel = SideChannel.open(dir, inputId, options);
        channels.put(inputId, channel);
        return Optional.of(channel);
    }

    public Optional<SideChannel> get(String inputId) {
        return Optional.ofNullable(channels.get(inputId));
    }

    public Optional<SideChannelStats> stats(String inputId) {
        return get(inputId).map(SideChannel::stats);
    }

    /** Closes {@code inputId}'s side channel, if any: readers disconnected, files removed. */
    public void close(String inputId) {
        SideChannel channel = channels.remove(inputId);
        if (channel != null) {
            channel.close();
        }
    }

    /** Closes every side channel (reset, shutdown). */
    @Override
    public void close() {
        for (String id : new ArrayList<>(channels.keySet())) {
            close(id);
        }
    }

    /** Whether {@code inputId} has a video reader connected now. */
    public boolean hasVideoReaders(String inputId) {
        SideChannel c = channels.get(inputId);
        return c != null && c.hasVideoReaders();
    }

    /** Takes the listener's reference to {@code frame} and hands it to the input's video readers, if any. */
    @Override
    public void onVideoFrame(String inputId, VideoFrame frame, long queuePtsNanos) {
        SideChannel c = channels.get(inputId);
        if (c != null && started.getAsBoolean()) {
            c.offerVideo(frame, queuePtsNanos);
        } else {
            frame.release();
        }
    }

    @Override
    public void onAudioBatch(String inputId, AudioBatch batch, long queuePtsNanos) {
        SideChannel c = channels.get(inputId);
        if (c != null && started.getAsBoolean()) {
            c.offerAudio(batch, queuePtsNanos);
        }
    }
}
