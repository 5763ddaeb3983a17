package dev.ingot.server.input;

import dev.ingot.media.decode.VideoDecoderKind;
import dev.ingot.server.stats.RtpTrackStats;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One registered {@code whip_server} input: its id, its validated spec, its token and resolved decoders, and
 * what is attached to it now (the live WHIP session, if any). Thread-safe.
 */
public final class RegisteredInput {
    private final String id;
    private final WhipInputSpec spec;
    private final BearerToken token;
    private final List<VideoDecoderKind> decoders;
    private final long registeredAtNanos;
    private final AtomicReference<InputState> state = new AtomicReference<>(InputState.WAITING_FOR_PUBLISHER);
    private final AtomicReference<InputAttachment> attachment = new AtomicReference<>();
    private final RtpTrackStats videoStats = new RtpTrackStats();
    private final RtpTrackStats audioStats = new RtpTrackStats();

    public RegisteredInput(String id, WhipInputSpec spec, BearerToken token, List<VideoDecoderKind> decoders,
            long registeredAtNanos) {
        this.id = id;
        this.spec = spec;
        this.token = token;
        this.decoders = List.copyOf(decoders);
        this.registeredAtNanos = registeredAtNanos;
    }

    public String id() {
        return id;
    }

    public WhipInputSpec spec() {
        return spec;
    }

    public BearerToken token() {
        return token;
    }

    /** The decoders to try, in order, resolved from {@code decoder_preferences} at register time. */
    public List<VideoDecoderKind> decoders() {
        return decoders;
    }

    public long registeredAtNanos() {
        return registeredAtNanos;
    }

    public RtpTrackStats videoStats() {
        return videoStats;
    }

    public RtpTrackStats audioStats() {
        return audioStats;
    }

    private volatile java.util.function.Supplier<java.util.Map<String, Object>> liveStats;

    /** Figures of the live session's media (codec, decoded fps…), merged into /stats; null when none. */
    public void liveStats(java.util.function.Supplier<java.util.Map<String, Object>> s) {
        this.liveStats = s;
    }

    public java.util.Map<String, Object> liveStats() {
        var s = liveStats;
        return s == null ? java.util.Map.of() : s.get();
    }

    public InputState state() {
        return state.get();
    }

    public void state(InputState s) {
        state.set(s);
    }

    /** Something attached to the input for as long as it lives (its WHIP session); closed on unregister. */
    public interface InputAttachment extends AutoCloseable {
        @Override
        void close();
    }

    public InputAttachment attachment() {
        return attachment.get();
    }

    public boolean attach(InputAttachment expected, InputAttachment next) {
        return attachment.compareAndSet(expected, next);
    }

    /** Ends whatever is attached and marks the input closed. Idempotent. */
    void close() {
        state.set(InputState.CLOSED);
        InputAttachment a = attachment.getAndSet(null);
        if (a != null) {
            a.close();
        }
    }
}
