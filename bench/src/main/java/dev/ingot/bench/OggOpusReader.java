package dev.ingot.bench;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Opus packets out of an Ogg Opus file (RFC 3533 pages and lacing, RFC 7845 mapping): the first two
 * packets (OpusHead, OpusTags) are skipped. Assumes one logical stream, as FFmpeg writes.
 */
public final class OggOpusReader {
    private OggOpusReader() {
    }

    /** The audio packets in order. */
    public static List<byte[]> packets(byte[] file) {
        List<byte[]> packets = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        int pos = 0;
        while (pos + 27 <= file.length) {
            if (file[pos] != 'O' || file[pos + 1] != 'g' || file[pos + 2] != 'g' || file[pos + 3] != 'S') {
                throw new IllegalArgumentException("no Ogg page at byte " + pos);
            }
            int segments = file[pos + 26] & 0xFF;
            int body = pos + 27 + segments;
            if (body > file.length) {
                throw new IllegalArgumentException("truncated Ogg page at byte " + pos);
            }
            int at = body;
            for (int s = 0; s < segments; s++) {
                int lace = file[pos + 27 + s] & 0xFF;
                if (at + lace > file.length) {
                    throw new IllegalArgumentException("truncated Ogg page at byte " + pos);
                }
                partial.write(file, at, lace);
                at += lace;
                if (lace < 255) {
                    packets.add(partial.toByteArray());
                    partial.reset();
                }
            }
            pos = at;
        }
        if (packets.size() < 2 || !startsWith(packets.get(0), "OpusHead")) {
            throw new IllegalArgumentException("not an Ogg Opus stream");
        }
        return new ArrayList<>(packets.subList(2, packets.size()));
    }

    private static boolean startsWith(byte[] b, String magic) {
        if (b.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (b[i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Samples at 48 kHz in one Opus packet, from its TOC byte and frame count (RFC 6716 §3.1). */
    public static int samples48k(byte[] packet) {
        if (packet.length == 0) {
            return 960;
        }
        int toc = packet[0] & 0xFF;
        int config = toc >> 3;
        int frameSamples;
        if (config < 12) {
            frameSamples = new int[] {480, 960, 1920, 2880}[config & 3]; // SILK 10/20/40/60 ms
        } else if (config < 16) {
            frameSamples = (config & 1) == 0 ? 480 : 960; // hybrid 10/20 ms
        } else {
            frameSamples = new int[] {120, 240, 480, 960}[config & 3]; // CELT 2.5/5/10/20 ms
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> packet.length > 1 ? packet[1] & 0x3F : 1;
        };
        return frameSamples * Math.max(frames, 1);
    }
}
