package dev.ingot.server.config;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Side-channel socket files left behind by an Ingot that did not shut down (killed, crashed, OOM-killed in a pod
 * whose {@code emptyDir} survives the container): a Unix socket named like ours ({@code video_<id>.sock},
 * {@code audio_<id>.sock}) that nobody listens on any more. Such files are removed at start-up so that the
 * restarted server can take the directory; anything else (a regular file, a socket a live process still
 * listens on) is left where it is and the directory counts as not empty.
 */
public final class StaleSocketFiles {
    private static final Pattern NAME = Pattern.compile("(video|audio)_[A-Za-z0-9_.-]{1,64}\\.sock");

    private StaleSocketFiles() {
    }

    /** Removes the stale side-channel sockets in {@code dir}; returns the names removed. */
    public static List<String> remove(Path dir) throws IOException {
        List<String> removed = new ArrayList<>();
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (isStale(p)) {
                    Files.deleteIfExists(p);
                    removed.add(p.getFileName().toString());
                }
            }
        }
        return removed;
    }

    static boolean isStale(Path p) {
        if (!NAME.matcher(p.getFileName().toString()).matches()) {
            return false;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isOther()) {
                return false; // a regular file, directory or link: not ours to delete
            }
        } catch (IOException e) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(p));
            return false; // someone listens: another server owns it
        } catch (ConnectException e) {
            return true; // ECONNREFUSED: a socket file without a listener
        } catch (IOException e) {
            return false;
        }
    }
}
