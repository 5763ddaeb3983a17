package dev.ingot.server.sidechannel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingot.media.frame.AudioBatch;
import dev.ingot.media.frame.VideoFrame;
import dev.ingot.server.input.SideChannelOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SideChannelDumpTest {
    @TempDir
    Path dir;

    @Test
    void printsRateResolutionAndLevelsOfWhatArrives() throws Exception {
        try (SideChannels channels = new SideChannels(dir, () -> true)) {
            channels.open("studio", new SideChannelOptions(true, true, 0));
            AtomicBoolean running = new AtomicBoolean(true);
            Thread producer = Thread.ofPlatform().start(() -> {
                long pts = 0;
                while (running.get()) {
                    channels.onVideoFrame("studio", VideoFrame.ofRgba(64, 48, 0, ByteBuffer.allocate(64 * 48 * 4)),
                            pts);
                    // 20 ms of a 1 kHz tone, whole periods: left at amplitude 0.5, right at 0.1
                    double[] s = new double[960 * 2];
                    for (int i = 0; i < 960; i++) {
                        double phase = 2 * Math.PI * 1000 * i / 48000.0;
                        s[2 * i] = 0.5 * Math.sin(phase);
                        s[2 * i + 1] = 0.1 * Math.sin(phase);
                    }
                    channels.onAudioBatch("studio", new AudioBatch(s, 48000, 2, 0, 960), pts);
                    pts += 20_000_000L;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = SideChannelDump.run(new String[] {dir.toString(), "studio", "--seconds", "3"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            running.set(false);
            producer.join();

            assertThat(status).isZero();
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            lines.forEach(System.out::println);
            assertThat(lines).hasSize(3);
            String last = lines.get(2);
            // sine RMS is amplitude / sqrt(2): 0.5 -> -9.0 dBFS, 0.1 -> -23.0 dBFS
            assertThat(last).contains("64x48").contains("48000 Hz 2 ch RMS -9.0 / -23.0 dBFS").contains(" fps ")
                    .contains(" batches/s ");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void saysWhichSocketIsMissing() throws Exception {
        try (SideChannels channels = new SideChannels(dir, () -> true)) {
            channels.open("radio", new SideChannelOptions(false, true, 0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = SideChannelDump.run(new String[] {dir.toString(), "radio", "--seconds", "1"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertThat(status).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("video: no socket");
        }
    }

    @Test
    void rejectsBadArguments() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(SideChannelDump.run(new String[] {dir.toString()}, sink, sink)).isEqualTo(2);
        assertThat(SideChannelDump.run(new String[] {dir.toString(), "x", "--seconds", "zero"}, sink, sink)).isEqualTo(2);
        assertThat(SideChannelDump.run(new String[] {dir.toString(), "x", "--seconds", "-1"}, sink, sink)).isEqualTo(2);
        assertThat(SideChannelDump.run(new String[] {dir.resolve("nope").toString(), "x"}, sink, sink)).isEqualTo(2);
        assertThat(SideChannelDump.run(new String[] {dir.toString(), "../x"}, sink, sink)).isEqualTo(2);
    }

    @Test
    void levelsInDecibelsFullScale() {
        assertThat(SideChannelDump.dbfs(1.0)).isEqualTo("0.0");
        assertThat(SideChannelDump.dbfs(0.1)).isEqualTo("-20.0");
        assertThat(SideChannelDump.dbfs(0)).isEqualTo("-inf");
    }
}
