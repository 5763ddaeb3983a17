package dev.ingot.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.RgbaConverter;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.PipelineClock;
import dev.ingot.server.config.Framerate;
import dev.ingot.server.events.ServerEvents;
import dev.ingot.server.input.InputRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The queue's own thread on the real clock. Timing is printed and asserted loosely only. */
class RealClockOutputQueueTest {
    private static final long MS = 1_000_000L;

    private record Seen(long index, long pts, long at) {
    }

    @Test
    void ticksFollowTheScheduleOnTheRealClockWithoutDrift() throws Exception {
        InputRegistry registry = new InputRegistry();
        PipelineClock clock = new PipelineClock();
        List<Seen> seen = new ArrayList<>();
        CountDownLatch enough = new CountDownLatch(1);
        try (OutputQueue q = new OutputQueue(new Framerate(50, 1), 48_000, 3_000 * MS, registry, clock,
                new ServerEvents(), System::nanoTime)) {
            q.addConsumer(t -> {
                synchronized (seen) {
                    seen.add(new Seen(t.index(), t.ptsNanos(), System.nanoTime()));
                    if (seen.size() == 75) {
                        enough.countDown();
                    }
                }
            });
            q.start();
            Thread.sleep(50);
            assertThat(seen).as("nothing before the start").isEmpty();
            long start = System.nanoTime();
            clock.start(start);
            q.wake();
            assertThat(enough.await(20, TimeUnit.SECONDS)).isTrue();
            q.close();
            synchronized (seen) {
                long maxLate = 0;
                long sumLate = 0;
                for (int i = 0; i < seen.size(); i++) {
                    Seen s = seen.get(i);
                    assertThat(s.index()).isEqualTo(i);
                    assertThat(s.pts()).isEqualTo(i * 20 * MS);
                    long late = s.at() - (start + s.pts());
                    assertThat(late).as("tick %d is never early", i).isNotNegative();
                    maxLate = Math.max(maxLate, late);
                    sumLate += late;
                }
                Seen last = seen.get(seen.size() - 1);
                long lastLate = last.at() - (start + last.pts());
                System.out.printf("real clock, 50 fps: %d ticks, lateness mean %.3f ms, max %.3f ms, last %.3f ms%n",
                        seen.size(), sumLate / (double) seen.size() / MS, maxLate / (double) MS,
                        lastLate / (double) MS);
                // a schedule on start + n * tick does not accumulate error: loose bound, exact values printed
                assertThat(lastLate).as("not drifting").isLessThan(1_000 * MS);
            }
        }
    }

    @Test
    void aSlowConsumerNeverBlocksTheDecodingThreads() throws Exception {
        long baseline = VideoFrame.livePictures();
        InputRegistry registry = new InputRegistry();
        registry.add(QueueHarness.input("cam", false));
        PipelineClock clock = new PipelineClock();
        CountDownLatch inConsumer = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean pusherDone = new AtomicBoolean();
        try (RgbaConverter converter = new RgbaConverter();
                OutputQueue q = new OutputQueue(new Framerate(30, 1), 48_000, 3_000 * MS, registry, clock,
                        new ServerEvents(), System::nanoTime)) {
            q.addConsumer(t -> {
                inConsumer.countDown();
                try {
                    letGo.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            q.start();
            long start = System.nanoTime();
            clock.start(start);
            q.wake();
            assertThat(inConsumer.await(20, TimeUnit.SECONDS)).isTrue();
            // the queue's thread is stuck in a consumer now; a decoder goes on regardless
            Thread decoder = Thread.ofPlatform().start(() -> {
                byte[] y = new byte[256];
                byte[] uv = new byte[64];
                for (int i = 0; i < 600; i++) {
                    long pts = i * 33 * MS;
                    q.onVideoFrame("cam", VideoFrame.copyOfI420(16, 16, pts, y, uv, uv, converter), pts);
                    q.onAudioBatch("cam", new AudioBatch(new double[960], 48_000, 1, pts, 960), pts);
                }
                pusherDone.set(true);
            });
            decoder.join(20_000);
            assertThat(pusherDone).as("the decoder finished while the consumer was still blocked").isTrue();
            assertThat(letGo.getCount()).isEqualTo(1);
            // and what it pushed stayed bounded
            assertThat(VideoFrame.livePictures() - baseline).isLessThan(200);
            letGo.countDown();
        }
        assertThat(VideoFrame.livePictures()).isEqualTo(baseline);
    }
}
