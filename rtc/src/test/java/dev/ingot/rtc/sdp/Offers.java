package dev.ingot.rtc.sdp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Test offers from src/test/resources/sdp (hand-written) and offers/ (captured from real publishers). */
final class Offers {
    static final List<String> CORPUS_DIRS = List.of("sdp", "offers");

    private Offers() {}

    static String text(String name) {
        return read("sdp/" + name);
    }

    static SessionDescription parsed(String name) {
        try {
            return SessionDescription.parse(text(name));
        } catch (SdpParseException e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    /** Every *.sdp file under the corpus directories, as resource-relative names ("sdp/chromium.sdp"). */
    static Stream<String> corpus() {
        List<String> out = new ArrayList<>();
        for (String dir : CORPUS_DIRS) {
            URL url = Offers.class.getClassLoader().getResource(dir);
            if (url == null) {
                continue;
            }
            try (Stream<Path> files = Files.walk(Path.of(url.toURI()))) {
                Path root = Path.of(url.toURI());
                files.filter(p -> p.toString().endsWith(".sdp")).sorted()
                        .forEach(p -> out.add(dir + "/" + root.relativize(p).toString().replace('\\', '/')));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.stream();
    }

    static String read(String resource) {
        try (var in = Offers.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String crlf(String lf) {
        return lf.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /** Our side: ICE-lite, one UDP and one TCP host candidate on loopback. */
    static LocalTransport local() {
        return LocalTransport.iceLite("ingotUfrag1", "ingotPasswordOf24Chars00",
                new Fingerprint("sha-256", HexFormat.of().parseHex(
                        "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90")),
                List.of(IceCandidate.host("1", "udp", 2130706431L, "127.0.0.1", 40000),
                        IceCandidate.host("2", "tcp", 1518280447L, "127.0.0.1", 40001)));
    }

    /** The resolution of ["any"]: Smelter's VP9, VP8, H264, then Ingot's H265 and AV1. */
    static List<VideoCodecChoice> any() {
        return List.of(VideoCodecChoice.of(VideoCodec.VP9), VideoCodecChoice.of(VideoCodec.VP8),
                VideoCodecChoice.of(VideoCodec.H264), VideoCodecChoice.of(VideoCodec.H265),
                VideoCodecChoice.of(VideoCodec.AV1));
    }

    static List<VideoCodecChoice> only(VideoCodec codec) {
        return List.of(VideoCodecChoice.of(codec));
    }
}
