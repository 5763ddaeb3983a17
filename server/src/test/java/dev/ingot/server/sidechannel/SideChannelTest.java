package dev.ingot.server.sidechannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.RgbaConverter;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.input.SideChannelOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SideChannelTest {
    private static final SideChannelOptions BOTH = new SideChannelOptions(true, true, 0);
    private static final SideChannelOptions VIDEO = new SideChannelOptions(true, false, 0);
    private static final SideChannelOptions AUDIO = new SideChannelOptions(false, true, 0);

    @TempDir
    Path dir;
    private SideChannels channels;
    private RgbaConverter converter;
    private long baselinePictures;

    @BeforeEach
    void setUp() {
        channels = new SideChannels(dir, () -> true);
        converter = new RgbaConverter();
        baselinePictures = VideoFrame.livePictures();
    }

    @AfterEach
    void tearDown() {
        channels.close();
        converter.close();
    }

    /** A uniform I420 picture whose luma rises along each row, so its RGBA differs from pixel to pixel. */
    private VideoFrame picture(int w, int h, long pts) {
        int c = ((w + 1) / 2) * ((h + 1) / 2);
        byte[] y = new byte[w * h];
        for (int i = 0; i < y.length; i++) {
            y[i] = (byte) (16 + (i % w) * 219 / w);
        }
        byte[] u = new byte[c];
        byte[] v = new byte[c];
        Arrays.fill(u, (byte) 90);
        Arrays.fill(v, (byte) 200);
        return VideoFrame.copyOfI420(w, h, pts, y, u, v, converter);
    }

    private static AudioBatch stereo(int perChannel, long pts, double seed) {
        double[] s = new double[perChannel * 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.sin(seed + i * 0.01);
        }
        return new AudioBatch(s, 48000, 2, pts, perChannel);
    }

    private SideChannel open(String id, SideChannelOptions options) throws IOException {
        return channels.open(id, options).orElseThrow();
    }

    /** Waits (bounded) for the server side to reach a state it reaches asynchronously, e.g. a reader accepted. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 2000; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(5);
        }
        fail("timed out waiting until " + what);
    }

    private static void awaitReaders(SideChannel channel, int video, int audio) throws InterruptedException {
        await(() -> channel.stats().video().readers() == video && channel.stats().audio().readers() == audio,
                video + " video and " + audio + " audio readers are connected, now " + channel.stats());
    }

    @Test
    void videoReaderReceivesExactHeaderAndPixels() throws Exception {
        SideChannel channel = open("cam", VIDEO);
        try (TestReader reader = TestReader.connect(channel.videoSocket().orElseThrow())) {
            awaitReaders(channel, 1, 0);
            byte[] rgba = new byte[4 * 2 * 4];
            for (int i = 0; i < rgba.length; i++) {
                rgba[i] = (byte) (i * 7 + 1);
            }
            // the frame's own pts (111) differs from the queue pts: the wire carries the queue's
            channels.onVideoFrame("cam", VideoFrame.ofRgba(4, 2, 111, ByteBuffer.wrap(rgba)), 5_000_000_123L);
            TestReader.Video v = reader.readVideo();
            assertThat(v.length()).isEqualTo(16 + 32);
            assertThat(v.width()).isEqualTo(4);
            assertThat(v.height()).isEqualTo(2);
            assertThat(v.ptsNanos()).isEqualTo(5_000_000_123L);
            assertThat(v.rgba()).isEqualTo(rgba);

            VideoFrame decoded = picture(64, 48, 7);
            channels.onVideoFrame("cam", decoded.retain(), 40_000_000L);
            TestReader.Video w = reader.readVideo();
            assertThat(w.width()).isEqualTo(64);
            assertThat(w.height()).isEqualTo(48);
            assertThat(w.ptsNanos()).isEqualTo(40_000_000L);
            assertThat(decoded.hasRgba()).as("converted for the reader").isTrue();
            assertThat(w.rgba()).isEqualTo(decoded.rgbaArray());
            assertThat(Arrays.copyOf(w.rgba(), 8)).as("first two pixels").isNotEqualTo(new byte[8]);
            decoded.release();
        }
        await(() -> VideoFrame.livePictures() == baselinePictures, "every picture is released");
    }

    @Test
    void audioReaderReceivesExactSamples() throws Exception {
        SideChannel channel = open("mic", AUDIO);
        try (TestReader reader = TestReader.connect(channel.audioSocket().orElseThrow())) {
            awaitReaders(channel, 0, 1);
            // more samples in the array than the batch uses: only samplesPerChannel * channels go out
            double[] s = {0.5, -0.25, 1.0, -1.0, Double.MIN_VALUE, -0.0, 0.123456789012345, 99, 99};
            channels.onAudioBatch("mic", new AudioBatch(s, 48000, 2, 1, 3), 7_020_000_000L);
            double[] mono = {0.1, 0.2, 0.3, 0.4};
            channels.onAudioBatch("mic", new AudioBatch(mono, 16000, 1, 2, 4), 7_040_000_000L);

            TestReader.Audio a = reader.readAudio();
            assertThat(a.length()).isEqualTo(17 + 6 * 8);
            assertThat(a.startPtsNanos()).isEqualTo(7_020_000_000L);
            assertThat(a.sampleRate()).isEqualTo(48000);
            assertThat(a.channels()).isEqualTo(2);
            assertThat(a.samplesPerChannel()).isEqualTo(3);
            assertThat(Arrays.stream(a.samples()).mapToLong(Double::doubleToRawLongBits).toArray())
                    .isEqualTo(Arrays.stream(Arrays.copyOf(s, 6)).mapToLong(Double::doubleToRawLongBits).toArray());

            TestReader.Audio b = reader.readAudio();
            assertThat(b.length()).isEqualTo(17 + 4 * 8);
            assertThat(b.startPtsNanos()).isEqualTo(7_040_000_000L);
            assertThat(b.sampleRate()).isEqualTo(16000);
            assertThat(b.channels()).isEqualTo(1);
            assertThat(b.samples()).containsExactly(mono);
        }
        assertThat(channel.stats().audio().messagesSent()).isEqualTo(2);
    }

    @Test
    void everyReaderGetsEveryMessage() throws Exception {
        SideChannel channel = open("both", BOTH);
        try (TestReader v1 = TestReader.connect(channel.videoSocket().orElseThrow());
                TestReader v2 = TestReader.connect(channel.videoSocket().orElseThrow());
                TestReader a1 = TestReader.connect(channel.audioSocket().orElseThrow());
                TestReader a2 = TestReader.connect(channel.audioSocket().orElseThrow())) {
            awaitReaders(channel, 2, 2);
            for (int i = 0; i < 5; i++) {
                channels.onAudioBatch("both", stereo(480, 0, i), i * 10_000_000L);
            }
            for (int i = 0; i < 5; i++) {
                // one frame may wait per reader: read each before sending the next
                channels.onVideoFrame("both", picture(32, 16, 0), i * 33_000_000L);
                assertThat(v1.readVideo().ptsNanos()).isEqualTo(i * 33_000_000L);
                assertThat(v2.readVideo().ptsNanos()).isEqualTo(i * 33_000_000L);
            }
            for (int i = 0; i < 5; i++) {
                TestReader.Audio x = a1.readAudio();
                TestReader.Audio y = a2.readAudio();
                assertThat(x.startPtsNanos()).isEqualTo(i * 10_000_000L);
                assertThat(y.startPtsNanos()).isEqualTo(i * 10_000_000L);
                assertThat(x.samples()).containsExactly(stereo(480, 0, i).samples());
                assertThat(y.samples()).containsExactly(x.samples());
            }
            SideChannelStats stats = channel.stats();
            assertThat(stats.audio().messagesSent()).isEqualTo(10);
            assertThat(stats.audio().messagesDropped()).isZero();
            assertThat(stats.video().messagesDropped()).isZero();
            await(() -> channel.stats().video().messagesSent() == 10, "the video writers count their messages");
        }
        await(() -> VideoFrame.livePictures() == baselinePictures, "every picture is released");
    }

    @Test
    void readerThatConnectsLaterGetsOnlyLaterMessages() throws Exception {
        SideChannel channel = open("late", BOTH);
        try (TestReader early = TestReader.connect(channel.videoSocket().orElseThrow());
                TestReader earlyAudio = TestReader.connect(channel.audioSocket().orElseThrow())) {
            awaitReaders(channel, 1, 1);
            channels.onVideoFrame("late", picture(16, 16, 0), 1);
            channels.onAudioBatch("late", stereo(10, 0, 0), 1);
            assertThat(early.readVideo().ptsNanos()).isEqualTo(1);
            assertThat(earlyAudio.readAudio().startPtsNanos()).isEqualTo(1);
            try (TestReader late = TestReader.connect(channel.videoSocket().orElseThrow());
                    TestReader lateAudio = TestReader.connect(channel.audioSocket().orElseThrow())) {
                awaitReaders(channel, 2, 2);
                channels.onVideoFrame("late", picture(16, 16, 0), 2);
                channels.onAudioBatch("late", stereo(10, 0, 0), 2);
                assertThat(late.readVideo().ptsNanos()).isEqualTo(2);
                assertThat(lateAudio.readAudio().startPtsNanos()).isEqualTo(2);
                assertThat(early.readVideo().ptsNanos()).isEqualTo(2);
                assertThat(earlyAudio.readAudio().startPtsNanos()).isEqualTo(2);
            }
        }
    }

    @Test
    void stalledVideoReaderNeitherBlocksTheProducerNorOtherReadersNorLeaksFrames() throws Exception {
        SideChannel channel = open("stall", VIDEO);
        int frames = 30;
        TestReader stalled = TestReader.connect(channel.videoSocket().orElseThrow()); // never reads
        try (TestReader reader = TestReader.connect(channel.videoSocket().orElseThrow())) {
            awaitReaders(channel, 2, 0);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long self = Thread.currentThread().threadId();
            long slowestCallNanos = 0;
            long monitorWaits = 0;
            for (int i = 0; i < frames; i++) {
                // 640x480 RGBA is 1.2 MB, more than a Unix socket buffers: the stalled reader's first write blocks
                VideoFrame f = picture(640, 480, 0);
                long blockedBefore = threads.getThreadInfo(self).getBlockedCount();
                long t0 = System.nanoTime();
                channels.onVideoFrame("stall", f, i);
                slowestCallNanos = Math.max(slowestCallNanos, System.nanoTime() - t0);
                if (i > 0) { // the first call loads classes, which may wait for a class-loading lock
                    monitorWaits += threads.getThreadInfo(self).getBlockedCount() - blockedBefore;
                }
                assertThat(reader.readVideo().ptsNanos()).isEqualTo(i);
                // the stalled reader holds at most one frame being written and one queued; the other reader's
                // writer may not have released the frame it just finished
                assertThat(VideoFrame.livePictures() - baselinePictures).isLessThanOrEqualTo(3);
            }
            // the producer never waited for a frame's monitor, e.g. while a writer thread converts that frame
            assertThat(monitorWaits).as("times the producer blocked on a monitor").isZero();
            SocketStats stats = channel.stats().video();
            assertThat(stats.readers()).isEqualTo(2);
            assertThat(stats.messagesDropped()).as("dropped for the stalled reader").isGreaterThanOrEqualTo(frames - 2);
            // for information only (wall time depends on the machine's load): typically ~0.1 ms
            System.out.printf("stalled reader: %d dropped, slowest producer call %.3f ms%n", stats.messagesDropped(),
                    slowestCallNanos / 1e6);
        }
        channels.close("stall");
        assertThat(VideoFrame.livePictures()).as("no frame kept after close").isEqualTo(baselinePictures);
        // the stalled reader finds its stream cut: part of one frame at most, then the end
        assertThat(stalled.drainToEnd()).isLessThan(640 * 480 * 4 + 20);
        stalled.close();
    }

    @Test
    void stalledAudioReaderLosesOnlyItsOwnBatches() throws Exception {
        SideChannel channel = open("astall", AUDIO);
        int batches = 40;
        TestReader stalled = TestReader.connect(channel.audioSocket().orElseThrow());
        try (TestReader reader = TestReader.connect(channel.audioSocket().orElseThrow())) {
            awaitReaders(channel, 0, 2);
            for (int i = 0; i < batches; i++) {
                // one second of stereo, 768 kB: the stalled reader's socket buffer takes less than one
                channels.onAudioBatch("astall", stereo(48000, 0, i), i * 1_000_000_000L);
                assertThat(reader.readAudio().startPtsNanos()).isEqualTo(i * 1_000_000_000L);
            }
            SocketStats stats = channel.stats().audio();
            // one batch being written and ten queued for the stalled reader; everything after is dropped for it
            assertThat(stats.messagesDropped()).isEqualTo(batches - 1 - SideChannelWireFormat.AUDIO_QUEUE_CAPACITY);
        } finally {
            stalled.close();
        }
    }

    @Test
    void vanishedReaderIsRemovedAndItsFramesReleased() throws Exception {
        SideChannel channel = open("gone", VIDEO);
        try (TestReader reader = TestReader.connect(channel.videoSocket().orElseThrow())) {
            TestReader vanishing = TestReader.connect(channel.videoSocket().orElseThrow());
            awaitReaders(channel, 2, 0);
            channels.onVideoFrame("gone", picture(64, 64, 0), 0);
            assertThat(vanishing.readVideo().ptsNanos()).isZero();
            assertThat(reader.readVideo().ptsNanos()).isZero();
            vanishing.close();
            int i = 1;
            while (channel.stats().video().readers() > 1) {
                assertThat(i).as("frames sent before the vanished reader is noticed").isLessThan(100);
                channels.onVideoFrame("gone", picture(64, 64, 0), i);
                assertThat(reader.readVideo().ptsNanos()).isEqualTo(i);
                i++;
                Thread.sleep(1);
            }
            assertThat(channel.stats().video().readersAccepted()).isEqualTo(2);
            channels.onVideoFrame("gone", picture(64, 64, 0), 1000);
            assertThat(reader.readVideo().ptsNanos()).isEqualTo(1000);
        }
        await(() -> channel.stats().video().readers() == 0, "the last reader is removed too");
        await(() -> VideoFrame.livePictures() == baselinePictures, "every picture is released");
    }

    @Test
    void socketFilesExistWhileOpenAndAreRemovedOnClose() throws Exception {
        SideChannel both = open("in-1.a_B", BOTH);
        Path video = dir.resolve("video_in-1.a_B.sock");
        Path audio = dir.resolve("audio_in-1.a_B.sock");
        assertThat(both.videoSocket()).contains(video);
        assertThat(both.audioSocket()).contains(audio);
        assertThat(video).exists();
        assertThat(audio).exists();
        assertThat(Files.isRegularFile(video)).isFalse();

        SideChannel audioOnly = open("radio", AUDIO);
        assertThat(audioOnly.videoSocket()).isEmpty();
        assertThat(dir.resolve("video_radio.sock")).doesNotExist();
        assertThat(dir.resolve("audio_radio.sock")).exists();
        assertThat(channels.open("plain", SideChannelOptions.NONE)).isEmpty();
        assertThat(dir.resolve("video_plain.sock")).doesNotExist();
        assertThat(dir.resolve("audio_plain.sock")).doesNotExist();

        try (TestReader reader = TestReader.connect(video)) {
            awaitReaders(both, 1, 0);
            channels.close("in-1.a_B");
            assertThat(video).doesNotExist();
            assertThat(audio).doesNotExist();
            assertThat(reader.atEnd()).as("a connected reader sees the end of the stream").isTrue();
        }
        assertThat(channels.get("in-1.a_B")).isEmpty();
        channels.close();
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void noRgbaConversionWhileNoVideoReaderIsConnected() throws Exception {
        SideChannel channel = open("lazy", BOTH);
        VideoFrame frame = picture(64, 48, 0);
        channels.onVideoFrame("lazy", frame.retain(), 0);
        assertThat(frame.hasRgba()).isFalse();

        // an audio reader alone does not make video frames convert either
        try (TestReader audioReader = TestReader.connect(channel.audioSocket().orElseThrow())) {
            awaitReaders(channel, 0, 1);
            channels.onVideoFrame("lazy", frame.retain(), 1);
            assertThat(frame.hasRgba()).isFalse();
        }
        assertThat(channel.stats().video().messagesDropped()).isZero();
        frame.release();
        assertThat(VideoFrame.livePictures()).isEqualTo(baselinePictures);
    }

    @Test
    void mediaForAnInputWithoutSideChannelIsReleased() {
        channels.onVideoFrame("nobody", picture(32, 32, 0), 0);
        channels.onAudioBatch("nobody", stereo(10, 0, 0), 0);
        assertThat(VideoFrame.livePictures()).isEqualTo(baselinePictures);
    }

    @Test
    void openingAgainReplacesTheChannel() throws Exception {
        SideChannel first = open("again", VIDEO);
        try (TestReader reader = TestReader.connect(first.videoSocket().orElseThrow())) {
            awaitReaders(first, 1, 0);
            SideChannel second = open("again", VIDEO);
            assertThat(reader.atEnd()).isTrue();
            assertThat(channels.get("again")).containsSame(second);
            assertThat(second.videoSocket().orElseThrow()).exists();
        }
    }

    @Test
    void refusesIdsThatAreNotPlainFileNames() {
        assertThatThrownBy(() -> channels.open("../etc", VIDEO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channels.open("a/b", AUDIO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channels.open("", AUDIO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void socketPathTooLongForUnixIsAClearError() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(100)));
        SideChannels far = new SideChannels(deep, () -> true);
        assertThatThrownBy(() -> far.open("x", VIDEO)).isInstanceOf(IOException.class)
                .hasMessageContaining("video_x.sock");
        far.close();
    }
}
