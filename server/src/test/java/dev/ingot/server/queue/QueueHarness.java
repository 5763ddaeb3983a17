package dev.ingot.server.queue;

import dev.ingot.media.decode.DecoderPreference;
import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.RgbaConverter;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.PipelineClock;
import dev.ingot.server.config.Framerate;
import dev.ingot.server.events.ServerEvents;
import dev.ingot.server.events.ServerEvents.Event;
import dev.ingot.server.input.BearerToken;
import dev.ingot.server.input.InputRegistry;
import dev.ingot.server.input.RegisteredInput;
import dev.ingot.server.input.SideChannelOptions;
import dev.ingot.server.input.WhipInputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An output queue on a manual clock, driven by {@link OutputQueue#poll} from the test thread, with every event
 * and tick recorded (tick contents are copied: which picture, by its media PTS, and the audio samples).
 */
final class QueueHarness implements AutoCloseable {
    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    /** The pipeline starts at this instant of the manual clock (anything but 0, to catch mix-ups). */
    static final long START = 5_000 * S + 123_456;

    final InputRegistry registry = new InputRegistry();
    final PipelineClock clock = new PipelineClock();
    final ServerEvents events = new ServerEvents();
    final List<Event> eventLog = new CopyOnWriteArrayList<>();
    final List<Tick> ticks = new ArrayList<>();
    final RgbaConverter converter = new RgbaConverter();
    final OutputQueue queue;
    final long fallbackNanos;
    long now = START - 10 * S;

    /** One tick as a consumer saw it. */
    record Tick(long index, long pts, long at, Map<String, Long> videoPts, Map<String, AudioBatch> audio) {
    }

    QueueHarness(Framerate framerate, long fallbackNanos) {
        this.fallbackNanos = fallbackNanos;
        events.subscribe(eventLog::add);
        queue = new OutputQueue(framerate, 48_000, fallbackNanos, registry, clock, events, () -> now);
        queue.addConsumer(t -> {
            Map<String, Long> v = new TreeMap<>();
            t.video().forEach((id, f) -> v.put(id, f.ptsNanos()));
            ticks.add(new Tick(t.index(), t.ptsNanos(), now, v, new TreeMap<>(t.audio())));
        });
    }

    QueueHarness() {
        this(new Framerate(30, 1), 3 * S);
    }

    static RegisteredInput input(String id, boolean required) {
        return input(id, required, 0, Optional.empty());
    }

    static RegisteredInput input(String id, boolean required, double delayMs, Optional<Double> offsetMs) {
        WhipInputSpec spec = new WhipInputSpec(List.of(DecoderPreference.ANY), Optional.empty(), required,
                Optional.empty(), offsetMs, new SideChannelOptions(false, false, delayMs));
        return new RegisteredInput(id, spec, BearerToken.generate(), List.of(), 0L);
    }

    RegisteredInput register(String id, boolean required) {
        RegisteredInput in = input(id, required);
        registry.add(in);
        return in;
    }

    void start() {
        now = Math.max(now, START);
        clock.start(START);
    }

    /** A 16x16 picture whose media PTS is {@code mediaPts} (the consumer records it). */
    VideoFrame frame(long mediaPts) {
        byte[] y = new byte[256];
        byte[] uv = new byte[64];
        return VideoFrame.copyOfI420(16, 16, mediaPts, y, uv, uv, converter);
    }

    /** Sends a picture whose queue PTS and media PTS are both {@code pts}. */
    void video(String id, long pts) {
        queue.onVideoFrame(id, frame(pts), pts);
    }

    /** Mono audio at 48 kHz whose sample values are their sample index on the queue's grid. */
    void audio(String id, long firstSample, int samples) {
        double[] s = new double[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = firstSample + i;
        }
        long pts = firstSample * S / 48_000;
        queue.onAudioBatch(id, new AudioBatch(s, 48_000, 1, pts, samples), pts);
    }

    /** Sets the clock and polls once. */
    void at(long t) {
        now = t;
        queue.poll(now);
    }

    /** Polls every {@code step} from now (exclusive) to {@code t} (inclusive). */
    void runTo(long t, long step) {
        while (now < t) {
            at(Math.min(t, now + step));
        }
    }

    List<String> events(String inputId) {
        List<String> l = new ArrayList<>();
        for (Event e : eventLog) {
            if (e.inputId().equals(inputId)) {
                l.add(e.type().name());
            }
        }
        return l;
    }

    List<String> events(String inputId, String kindPrefix) {
        return events(inputId).stream().filter(s -> s.startsWith(kindPrefix)).toList();
    }

    Tick lastTick() {
        return ticks.get(ticks.size() - 1);
    }

    @Override
    public void close() {
        queue.close();
        converter.close();
    }
}
