package dev.ingot.media.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DepacketizerTest {

    @Test
    void forEncodingPicksTheDepacketizerByRtpmapName() {
        assertThat(Depacketizer.forEncoding("H264", "packetization-mode=1")).isInstanceOf(H264Depacketizer.class);
        assertThat(Depacketizer.forEncoding("vp8", null)).isInstanceOf(Vp8Depacketizer.class);
        assertThat(Depacketizer.forEncoding("VP9", null)).isInstanceOf(Vp9Depacketizer.class);
        assertThat(Depacketizer.forEncoding("opus", "minptime=10;useinbandfec=1")).isInstanceOf(OpusDepacketizer.class);
        assertThat(Depacketizer.forEncoding("h265", "sprop-max-don-diff=0")).isInstanceOf(H265Depacketizer.class);
        assertThat(Depacketizer.forEncoding("AV1", null)).isInstanceOf(Av1Depacketizer.class);
        assertThatThrownBy(() -> Depacketizer.forEncoding("H266", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void arbitraryBytesNeverThrowAndAreCounted() {
        List<Supplier<Depacketizer>> all = List.of(H264Depacketizer::new, Vp8Depacketizer::new,
                Vp9Depacketizer::new, OpusDepacketizer::new, H265Depacketizer::new, Av1Depacketizer::new,
                () -> H265Depacketizer.fromFmtp("sprop-max-don-diff=1"));
        for (Supplier<Depacketizer> make : all) {
            Depacketizer d = make.get();
            Random random = new Random(7);
            List<EncodedFrame> frames = new ArrayList<>();
            int seq = 0;
            long ts = 0;
            for (int i = 0; i < 50_000; i++) {
                byte[] payload = new byte[random.nextInt(random.nextBoolean() ? 8 : 200)];
                random.nextBytes(payload);
                seq += random.nextInt(10) == 0 ? random.nextInt(5) - 1 : 1;
                if (random.nextInt(4) == 0) {
                    ts += 3000;
                }
                d.push(Rtp.packet(seq, ts, random.nextInt(3) == 0, payload), frames::add);
            }
            DepacketizerStats s = d.stats();
            assertThat(s.packets()).isEqualTo(50_000);
            if (!(d instanceof OpusDepacketizer)) {
                assertThat(s.malformedPackets()).as(d.getClass().getSimpleName()).isPositive();
            }
            for (EncodedFrame f : frames) {
                assertThat(f.length()).isLessThanOrEqualTo(Depacketizer.MAX_FRAME_BYTES);
            }
        }
    }

    /** Valid-looking packets of each format with random corruption: truncation, flipped bits, lost packets. */
    @Test
    void corruptedValidPacketsNeverThrow() {
        Random random = new Random(11);
        for (int codec = 0; codec < 3; codec++) {
            Depacketizer d = codec == 0 ? new H264Depacketizer() : codec == 1 ? new Vp8Depacketizer()
                    : new Vp9Depacketizer();
            List<EncodedFrame> frames = new ArrayList<>();
            int seq = 0;
            for (int frame = 0; frame < 3000; frame++) {
                int packets = 1 + random.nextInt(4);
                for (int k = 0; k < packets; k++) {
                    byte[] payload = validLooking(codec, k == 0, k == packets - 1, random);
                    if (random.nextInt(3) == 0) {
                        payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    if (random.nextInt(5) == 0) {
                        payload = Rtp.slice(payload, 0, random.nextInt(payload.length + 1));
                    }
                    if (random.nextInt(20) == 0) {
                        seq++; // lost
                    }
                    d.push(Rtp.packet(seq++, frame * 3000L, k == packets - 1, payload), frames::add);
                }
            }
            assertThat(d.stats().framesEmitted()).as("codec %d", codec).isPositive();
            assertThat(d.stats().malformedPackets()).as("codec %d", codec).isPositive();
        }
    }

    private static byte[] validLooking(int codec, boolean first, boolean last, Random random) {
        byte[] body = new byte[1 + random.nextInt(60)];
        random.nextBytes(body);
        return switch (codec) {
            case 0 -> switch (random.nextInt(4)) {
                case 0 -> Rtp.concat(Rtp.bytes(0x7C, (first ? 0x80 : 0) | (last ? 0x40 : 0) | 5), body); // FU-A
                case 1 -> Rtp.concat(Rtp.bytes(0x78, 0, 4, 0x67, 0x42, 0xC0, 0x1E, 0, 4, 0x68, 0xCB, 0x8C, 0xB2),
                        Rtp.bytes(0, body.length + 1, 0x65), body); // STAP-A
                default -> Rtp.concat(Rtp.bytes(random.nextBoolean() ? 0x65 : 0x41), body);
            };
            case 1 -> Rtp.concat(Rtp.bytes(0x80 | (first ? 0x10 : 0), 0xF0, 0x80 | random.nextInt(128), 1, 2, 3),
                    first && random.nextBoolean()
                            ? Rtp.bytes(0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01) : Rtp.bytes(0x31),
                    body);
            default -> Rtp.concat(Rtp.bytes(0x80 | 0x20 | (first ? 0x0A : 0) | (last ? 0x04 : 0)
                            | (random.nextBoolean() ? 0x40 : 0), random.nextInt(128), random.nextInt(16), 0),
                    first ? Rtp.bytes(0x30, 0, 0x10, 0, 0x10) : new byte[0],
                    random.nextBoolean() ? Rtp.bytes(0x82, 0x49, 0x83, 0x42) : Rtp.bytes(0x86), body);
        };
    }
}
