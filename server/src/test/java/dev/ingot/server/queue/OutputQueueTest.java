package dev.ingot.server.queue;

import static dev.ingot.server.queue.QueueHarness.MS;
import static dev.ingot.server.queue.QueueHarness.S;
import static dev.ingot.server.queue.QueueHarness.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.config.Framerate;
import dev.ingot.server.input.RegisteredInput;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The output queue on a manual clock: ticks, holds, picture and audio selection, events, releases. */
class OutputQueueTest {
    private static final TickGrid GRID30 = new TickGrid(new Framerate(30, 1));
    private long baseline;
    private QueueHarness h;

    @BeforeEach
    void setUp() {
        System.gc();
        baseline = VideoFrame.livePictures();
        h = new QueueHarness();
    }

    @AfterEach
    void tearDown() {
        h.close();
        assertThat(VideoFrame.livePictures()).as("pictures released").isEqualTo(baseline);
    }

    private static long tick(long n) {
        return GRID30.pts(n);
    }

    /**
     * Runs the clock to {@code until} in 1 ms steps like a live publisher: video frame {@code k} has the PTS of
     * tick {@code k} and arrives at that moment (from {@code firstFrame} on), and 20 ms audio batches arrive
     * when their end is 80 ms ahead (the margin {@link InputTimeline} gives). Returns the next frame number.
     */
    private long live(String id, long firstFrame, long until, boolean withAudio) {
        long k = firstFrame;
        long nextAudio = withAudio ? TickGrid.sampleIndex(tick(firstFrame), 48_000) : Long.MAX_VALUE;
        while (h.now < until) {
            h.now = Math.min(until, h.now + MS);
            while (START + tick(k) <= h.now) {
                h.video(id, tick(k));
                k++;
            }
            while (withAudio && START + TickGrid.sampleNanos(nextAudio + 960, 48_000) - 80 * MS <= h.now) {
                h.audio(id, nextAudio, 960);
                nextAudio += 960;
            }
            h.queue.poll(h.now);
        }
        return k;
    }

    @Test
    void ticksGoOutAtStartPlusTheirExactPtsNeverEarly() {
        h.close();
        h = new QueueHarness(new Framerate(30000, 1001), 3 * S);
        h.start();
        h.at(START);
        h.runTo(START + 2 * S, MS);
        assertThat(h.ticks).hasSize(60);
        for (int i = 0; i < h.ticks.size(); i++) {
            QueueHarness.Tick t = h.ticks.get(i);
            long exact = BigInteger.valueOf(i).multiply(BigInteger.valueOf(1001_000_000_000L))
                    .divide(BigInteger.valueOf(30000)).longValueExact();
            assertThat(t.index()).isEqualTo(i);
            assertThat(t.pts()).isEqualTo(exact);
            assertThat(t.at() - (START + exact)).as("tick %d produced after due, within one poll step", i)
                    .isBetween(0L, MS - 1);
        }
    }

    @Test
    void aLateThreadCatchesUpEveryTickInOrder() {
        h.start();
        h.at(START);
        h.at(START + 500 * MS);
        assertThat(h.ticks).extracting(QueueHarness.Tick::index)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        assertThat(h.queue.stats().ticksSkipped()).isZero();
    }

    @Test
    void fallingFarBehindSkipsToThePresent() {
        h.start();
        h.at(START);
        h.at(START + 10 * S);
        assertThat(h.ticks).extracting(QueueHarness.Tick::index).containsExactly(0L, 300L);
        assertThat(h.queue.stats().ticksSkipped()).isEqualTo(299);
        assertThat(h.queue.stats().lastTickPts()).isEqualTo(10 * S);
    }

    @Test
    void beforeTheStartNothingTicksAndOnlyTheNewestPictureIsKept() {
        h.register("a", false);
        h.at(START - 5 * S);
        for (int i = 0; i < 10; i++) {
            h.queue.onVideoFrame("a", h.frame(i), 0); // before the start every queue PTS is the start
        }
        h.runTo(START - 4 * S, 10 * MS);
        assertThat(h.ticks).isEmpty();
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline + 1);
        InputQueueStats.TrackStats v = h.queue.inputStats("a").orElseThrow().video();
        assertThat(v.delivered()).isEqualTo(10);
        assertThat(v.dropped()).isEqualTo(9);
        assertThat(v.pending()).isEqualTo(1);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED");

        h.start();
        h.at(START);
        assertThat(h.ticks).hasSize(1);
        assertThat(h.ticks.get(0).videoPts()).containsEntry("a", 9L);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");
    }

    @Test
    void eachTickShowsTheNewestPictureAtOrBeforeItsPts() {
        h.register("a", false);
        h.start();
        for (long ms : new long[] {0, 10, 40, 50, 70}) {
            h.video("a", ms * MS);
        }
        h.runTo(START + 100 * MS, MS);
        assertThat(h.ticks).extracting(t -> t.videoPts().get("a"))
                .containsExactly(0L, 10 * MS, 50 * MS, 70 * MS);
        InputQueueStats.TrackStats v = h.queue.inputStats("a").orElseThrow().video();
        // 40 ms is followed by 50 ms before any tick: dropped on arrival
        assertThat(v.delivered()).isEqualTo(5);
        assertThat(v.consumed()).isEqualTo(4);
        assertThat(v.dropped()).isEqualTo(1);
        assertThat(v.pending()).isZero();
    }

    @Test
    void anInputFasterThanTheOutputLosesThePicturesNoTickShows() {
        h.register("a", false);
        h.start();
        long k = 0;
        while (h.now < START + S) {
            h.now += MS;
            while (START + k * S / 60 <= h.now) {
                h.video("a", k * S / 60);
                k++;
            }
            h.queue.poll(h.now);
        }
        InputQueueStats.TrackStats v = h.queue.inputStats("a").orElseThrow().video();
        System.out.printf("60 fps into 30 fps for 1 s: %s, %d ticks%n", v, h.ticks.size());
        assertThat(v.delivered()).isEqualTo(k);
        assertThat(v.consumed() + v.dropped() + v.pending()).isEqualTo(v.delivered());
        assertThat(v.consumed()).isEqualTo(h.ticks.size());
        assertThat(v.dropped()).isBetween(k / 2 - 2, k / 2 + 2);
        assertThat(VideoFrame.livePictures() - baseline).isLessThanOrEqualTo(2);
    }

    @Test
    void aPictureOlderThanTheFallbackTimeoutIsLeftOutAndTheStreamPauses() {
        h.register("a", false);
        h.start();
        h.video("a", 0);
        h.runTo(START + 3500 * MS, 10 * MS);
        for (QueueHarness.Tick t : h.ticks) {
            assertThat(t.videoPts().containsKey("a")).as("tick at %d ms", t.pts() / MS).isEqualTo(t.pts() <= 3 * S);
        }
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_PAUSED");
        assertThat(h.queue.inputStats("a").orElseThrow().video().state()).isEqualTo("paused");
        h.video("a", 3600 * MS);
        h.runTo(START + 3700 * MS, 10 * MS);
        assertThat(h.lastTick().videoPts()).containsEntry("a", 3600 * MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_PAUSED", "VIDEO_INPUT_PLAYING");
    }

    @Test
    void anInputThatIsNotRequiredNeverHoldsATick() {
        h.register("a", false);
        h.start();
        h.at(START);
        h.runTo(START + S, 10 * MS);
        assertThat(h.ticks).hasSize(31);
        for (QueueHarness.Tick t : h.ticks) {
            assertThat(t.at() - (START + t.pts())).isBetween(0L, 10 * MS - 1);
        }
        assertThat(h.queue.stats().ticksHeld()).isZero();
    }

    @Test
    void aRequiredInputHoldsTicksFromRegistrationUntilItsFirstMedia() {
        RegisteredInput r = h.register("r", true);
        h.start();
        h.runTo(START + 2 * S, 10 * MS);
        assertThat(h.ticks).isEmpty();
        assertThat(h.queue.stats().ticksHeld()).isEqualTo(1);

        InputTimeline timeline = h.queue.newTimeline(r);
        long pts = timeline.toQueuePts(123 * S);
        assertThat(pts).isEqualTo(2 * S + InputTimeline.DEFAULT_MARGIN_NANOS);
        h.queue.onVideoFrame("r", h.frame(123 * S), pts);
        h.at(h.now);
        // the ticks held for it are skipped, not produced without it
        assertThat(h.ticks).isEmpty();
        assertThat(h.queue.stats().ticksSkipped()).isEqualTo(61);
        for (int k = 1; k <= 10; k++) {
            h.queue.onVideoFrame("r", h.frame(123 * S + k * S / 30), timeline.toQueuePts(123 * S + k * S / 30));
        }
        h.runTo(START + 2200 * MS, MS);
        assertThat(h.ticks.get(0).index()).isEqualTo(61);
        // ticks not yet due when it arrived go out on time; it shows from its PTS on
        assertThat(h.ticks).filteredOn(t -> t.videoPts().containsKey("r")).extracting(QueueHarness.Tick::index)
                .containsExactly(63L, 64L, 65L, 66L);
        assertThat(h.events("r")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");
    }

    @Test
    void aStalledRequiredInputHoldsTicksForTheFallbackTimeoutThenTheyProceed() {
        h.register("r", true);
        h.register("other", false);
        h.start();
        long next = live("r", 0, START + S, false);
        assertThat(next).isEqualTo(31);
        assertThat(h.ticks).hasSize(31);
        long due31 = START + tick(31);
        h.runTo(due31 + 3 * S - 1, MS);
        assertThat(h.ticks).as("held").hasSize(31);
        assertThat(h.events("r")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");

        h.at(due31 + 3 * S);
        long latest = GRID30.lastAtOrBefore(h.now - START);
        assertThat(h.ticks).extracting(QueueHarness.Tick::index).last().isEqualTo(latest);
        assertThat(h.ticks).hasSize((int) latest + 1);
        assertThat(h.events("r")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_PAUSED");
        assertThat(h.ticks.get(31).videoPts()).containsEntry("r", tick(30)); // repeated while not too old
        assertThat(h.lastTick().videoPts()).doesNotContainKey("r"); // older than the fallback timeout
        assertThat(h.queue.stats().ticksHeld()).isEqualTo(1);
        assertThat(h.queue.stats().ticksSkipped()).isZero();

        // stalled: it holds nothing until it streams again
        h.runTo(h.now + 500 * MS, 10 * MS);
        assertThat(h.lastTick().at() - (START + h.lastTick().pts())).isLessThan(10 * MS);
        long resume = GRID30.firstAtOrAfter(h.now - START) + 1;
        h.now = START + tick(resume) - MS;
        live("r", resume, START + tick(resume + 10), false);
        assertThat(h.lastTick().videoPts()).containsEntry("r", tick(resume + 10));
        assertThat(h.events("r")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_PAUSED", "VIDEO_INPUT_PLAYING");
    }

    @Test
    void lateMediaOfARequiredInputReleasesTheHeldTicksWithTheRightPictures() {
        h.register("r", true);
        h.start();
        live("r", 0, START + S, false);
        h.runTo(START + 1500 * MS, MS);
        assertThat(h.ticks).hasSize(31);
        for (long k = 31; k <= 45; k++) {
            h.video("r", tick(k));
        }
        h.at(h.now);
        assertThat(h.ticks).hasSize(46);
        for (int n = 31; n <= 45; n++) {
            assertThat(h.ticks.get(n).videoPts()).containsEntry("r", tick(n));
        }
        assertThat(h.events("r")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");
        assertThat(h.queue.stats().ticksHeld()).isEqualTo(1);
    }

    @Test
    void aRequiredInputWaitsForAudioToo() {
        h.register("r", true);
        h.start();
        live("r", 0, START + 500 * MS, true);
        // audio arrived up to 580 ms: enough for tick 16 (533..567 ms), due later
        assertThat(h.lastTick().index()).isEqualTo(15);
        int before = h.ticks.size() + 1;
        // video keeps coming, audio stops: the tick waits for audio up to the fallback timeout
        long k = GRID30.firstAtOrAfter(h.now - START + 1);
        for (long i = k; i < k + 200; i++) {
            h.video("r", tick(i));
        }
        h.runTo(h.now + 200 * MS, MS);
        assertThat(h.ticks).hasSize(before);
        assertThat(h.events("r", "AUDIO")).containsExactly("AUDIO_INPUT_DELIVERED", "AUDIO_INPUT_PLAYING");
        h.runTo(h.now + 3 * S, 10 * MS);
        assertThat(h.ticks.size()).isGreaterThan(before + 80);
        assertThat(h.events("r", "AUDIO")).containsExactly("AUDIO_INPUT_DELIVERED", "AUDIO_INPUT_PLAYING",
                "AUDIO_INPUT_PAUSED");
        assertThat(h.events("r", "VIDEO")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");
    }

    @Test
    void streamEventsComeInOrderOncePerStream() {
        h.register("a", false);
        h.at(START - S);
        h.video("a", 0);
        h.audio("a", 0, 960);
        h.at(h.now);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "AUDIO_INPUT_DELIVERED");

        h.start();
        long k = live("a", 0, START + S, true);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "AUDIO_INPUT_DELIVERED",
                "VIDEO_INPUT_PLAYING", "AUDIO_INPUT_PLAYING");
        h.runTo(START + 4500 * MS, 10 * MS); // nothing for longer than the fallback timeout
        long resumeAt = GRID30.firstAtOrAfter(h.now - START);
        h.now = START + tick(resumeAt) - MS;
        live("a", resumeAt, START + 5 * S, true);
        h.queue.onTrackEnded("a", true);
        h.queue.onTrackEnded("a", false);
        h.runTo(h.now + 200 * MS, 10 * MS);
        for (String kind : List.of("VIDEO", "AUDIO")) {
            assertThat(h.events("a", kind)).containsExactly(kind + "_INPUT_DELIVERED", kind + "_INPUT_PLAYING",
                    kind + "_INPUT_PAUSED", kind + "_INPUT_PLAYING", kind + "_INPUT_EOS");
        }
        assertThat(h.queue.inputStats("a").orElseThrow().video().state()).isEqualTo("ended");
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);

        // the publisher comes back: a new stream, then the input is unregistered
        h.eventLog.clear();
        live("a", GRID30.firstAtOrAfter(h.now - START) + 1, h.now + 300 * MS, false);
        h.registry.remove("a");
        h.at(h.now + MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_EOS");
        assertThat(k).isPositive();
    }

    @Test
    void theLastPicturesOfAnEndedStreamGoOutBeforeItsEos() {
        h.register("a", false);
        h.start();
        for (long n = 0; n < 10; n++) {
            h.video("a", tick(n));
        }
        h.queue.onTrackEnded("a", true);
        h.at(START);
        h.runTo(START + tick(8), MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");
        h.runTo(START + tick(12), MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_EOS");
        assertThat(h.ticks.get(9).videoPts()).containsEntry("a", tick(9));
        assertThat(h.ticks.get(10).videoPts()).doesNotContainKey("a");
        assertThat(h.queue.inputStats("a").orElseThrow().video().consumed()).isEqualTo(10);
    }

    @Test
    void unregisteringEndsTheStreamsAndReleasesTheirPictures() {
        h.register("a", false);
        h.start();
        live("a", 0, START + 500 * MS, true);
        for (long n = 16; n < 40; n++) {
            h.video("a", tick(n)); // ahead of the queue, still buffered
        }
        assertThat(VideoFrame.livePictures()).isGreaterThan(baseline + 5);
        h.registry.remove("a");
        h.at(h.now + MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "AUDIO_INPUT_DELIVERED",
                "VIDEO_INPUT_PLAYING", "AUDIO_INPUT_PLAYING", "VIDEO_INPUT_EOS", "AUDIO_INPUT_EOS");
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
        assertThat(h.queue.inputStats("a")).isEmpty();
        h.video("a", tick(41)); // a decoder still draining: released at once
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
        h.runTo(h.now + 100 * MS, 10 * MS);
        assertThat(h.events("a")).hasSize(6);
    }

    @Test
    void anInputWithoutMediaEndsSilently() {
        h.register("a", true);
        h.start();
        h.at(START + 100 * MS);
        h.queue.onTrackEnded("a", true);
        h.registry.remove("a");
        h.at(START + 200 * MS);
        assertThat(h.events("a")).isEmpty();
        assertThat(h.ticks).isNotEmpty(); // the required input no longer holds anything
    }

    @Test
    void aStreamEndingBeforeTheStartEndsAtOnce() {
        h.register("a", false);
        h.at(START - S);
        h.video("a", 0);
        h.at(h.now + MS);
        h.queue.onTrackEnded("a", true);
        h.at(h.now + MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_EOS");
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
    }

    @Test
    void registeringTheSameIdAgainEndsTheOldInputsStreams() {
        h.register("a", false);
        h.at(START - S);
        h.video("a", 0);
        h.at(h.now + MS);
        h.registry.remove("a");
        h.register("a", false);
        h.video("a", 0);
        h.at(h.now + MS);
        assertThat(h.events("a")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_EOS",
                "VIDEO_INPUT_DELIVERED");
        assertThat(h.queue.inputStats("a").orElseThrow().video().delivered()).isEqualTo(1);
    }

    @Test
    void expectMediaMakesARequiredInputWaitForItsNextSession() {
        h.register("r", true);
        h.start();
        live("r", 0, START + 500 * MS, false);
        h.queue.onTrackEnded("r", true);
        h.runTo(START + S, MS);
        int free = h.ticks.size();
        assertThat(free).isEqualTo(31); // ended: holds nothing
        h.queue.expectMedia("r", true, false);
        h.runTo(START + 2 * S, MS);
        assertThat(h.ticks.size()).isLessThanOrEqualTo(free + 1);
        h.video("r", h.now - START);
        h.at(h.now);
        assertThat(h.lastTick().videoPts()).containsEntry("r", h.now - START);
        assertThat(h.events("r")).containsExactly("VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING",
                "VIDEO_INPUT_EOS", "VIDEO_INPUT_DELIVERED", "VIDEO_INPUT_PLAYING");
    }

    @Test
    void eachTickCarriesExactlyItsAudioSamples() {
        h.close();
        h = new QueueHarness(new Framerate(30000, 1001), 3 * S);
        h.register("a", false);
        h.start();
        // 20 ms mono batches from sample 100 on, all delivered ahead; sample i holds i + 1 (0 = silence)
        for (long s = 100; s < 48_000 * 2; s += 960) {
            double[] v = new double[960];
            for (int i = 0; i < 960; i++) {
                v[i] = s + i + 1;
            }
            long pts = TickGrid.sampleNanos(s, 48_000);
            h.queue.onAudioBatch("a", new AudioBatch(v, 48_000, 1, pts, 960), pts);
        }
        h.runTo(START + 1500 * MS, MS);
        TickGrid grid = new TickGrid(new Framerate(30000, 1001));
        long expectedNext = 0;
        for (QueueHarness.Tick t : h.ticks) {
            AudioBatch a = t.audio().get("a");
            long from = TickGrid.sampleIndex(grid.pts(t.index()), 48_000);
            long to = TickGrid.sampleIndex(grid.pts(t.index() + 1), 48_000);
            assertThat(from).isEqualTo(expectedNext);
            assertThat(a.startPtsNanos()).isEqualTo(t.pts());
            assertThat(a.sampleRate()).isEqualTo(48_000);
            assertThat(a.channels()).isEqualTo(1);
            assertThat((long) a.samplesPerChannel()).isEqualTo(to - from);
            for (int i = 0; i < a.samplesPerChannel(); i++) {
                long s = from + i;
                assertThat(a.sample(i, 0)).as("sample %d", s).isEqualTo(s < 100 ? 0.0 : s + 1);
            }
            expectedNext = to;
        }
        assertThat(h.ticks).hasSize(45);
        InputQueueStats.TrackStats st = h.queue.inputStats("a").orElseThrow().audio();
        assertThat(st.consumed() + st.dropped() + st.pending()).isEqualTo(st.delivered());
        assertThat(st.dropped()).isZero();
    }

    @Test
    void stereoAndMonoBatchesShareATicksChannels() {
        h.register("a", false);
        h.start();
        h.queue.onAudioBatch("a", new AudioBatch(new double[] {0.5, -0.5, 0.25, 0.75}, 48_000, 2, 0, 2), 0);
        h.queue.onAudioBatch("a", new AudioBatch(new double[] {1, 1}, 48_000, 1, 0, 2),
                TickGrid.sampleNanos(2, 48_000));
        h.at(START);
        AudioBatch a = h.ticks.get(0).audio().get("a");
        assertThat(a.channels()).isEqualTo(2);
        assertThat(a.samplesPerChannel()).isEqualTo(1600);
        assertThat(a.samples()).startsWith(0.5, -0.5, 0.25, 0.75, 1, 1, 1, 1, 0, 0);
    }

    @Test
    void closingReleasesEverythingBuffered() {
        h.register("a", false);
        h.register("b", true);
        h.at(START - S);
        h.start();
        for (long n = 0; n < 50; n++) {
            h.video("a", tick(n));
            h.video("b", tick(n));
        }
        h.at(START + 100 * MS);
        assertThat(VideoFrame.livePictures()).isGreaterThan(baseline + 50);
        h.queue.close();
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
        h.video("a", tick(60));
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
    }
}
