package dev.ingot.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleSocketFilesTest {
    @TempDir
    Path dir;

    /** A socket file whose server is gone: bound, then the channel closed without deleting the file. */
    private Path deadSocket(String name) throws IOException {
        Path p = dir.resolve(name);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        s.close();
        assertThat(p).exists();
        return p;
    }

    @Test
    void aRestartAfterACrashTakesADirectoryHoldingOnlyDeadSideChannelSockets() throws IOException {
        deadSocket("video_cam1.sock");
        deadSocket("audio_cam1.sock");

        assertThat(IngotConfig.prepareSideChannelDir(Optional.of(dir))).isEqualTo(dir);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aSocketSomeoneStillListensOnIsKeptAndTheDirectoryIsRefused() throws IOException {
        Path live = dir.resolve("video_cam2.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(live));
            deadSocket("audio_cam2.sock");

            assertThatThrownBy(() -> IngotConfig.prepareSideChannelDir(Optional.of(dir)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("is not empty");
            assertThat(live).exists();
            assertThat(dir.resolve("audio_cam2.sock")).doesNotExist();
        }
    }

    @Test
    void otherFilesAreNeverTouched() throws IOException {
        Files.writeString(dir.resolve("video_cam3.sock"), "a regular file with a socket's name");
        deadSocket("notes.sock");

        assertThatThrownBy(() -> IngotConfig.prepareSideChannelDir(Optional.of(dir)))
                .isInstanceOf(ConfigException.class);
        assertThat(dir.resolve("video_cam3.sock")).exists();
        assertThat(dir.resolve("notes.sock")).exists();
    }
}
