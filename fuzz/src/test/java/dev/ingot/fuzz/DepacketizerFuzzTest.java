package dev.ingot.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.media.payload.Depacketizer;
import dev.ingot.media.payload.DepacketizerStats;
import dev.ingot.media.payload.EncodedFrame;
import dev.ingot.media.payload.Av1Depacketizer;
import dev.ingot.media.payload.H264Depacketizer;
import dev.ingot.media.payload.H265Depacketizer;
import dev.ingot.media.payload.OpusDepacketizer;
import dev.ingot.media.payload.RtpMedia;
import dev.ingot.media.payload.Vp8Depacketizer;
import dev.ingot.media.payload.Vp9Depacketizer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The RTP depacketizers (H.264 RFC 6184, VP8 RFC 7741, VP9 RFC 9628, H.265 RFC 7798, AV1, Opus RFC 7587): fed a
 * program of packets (payloads plus sequence gaps, duplicates, late packets, jumps, timestamp changes, marker bits
 * and resets) they never throw, and what they emit keeps their contract: a video stream starts (and restarts after
 * {@link Depacketizer#reset()}) with a keyframe, frames are non-empty and within the size cap, H.264 and H.265 come
 * out in Annex B form, an AV1 temporal unit is a temporal delimiter followed by OBUs whose sizes walk exactly to
 * its end, Opus frames are the payloads unchanged with sane loss figures, and the counters match what was pushed
 * and emitted.
 */
class DepacketizerFuzzTest {
    private static final int MAX_PACKETS = 512;

    /** The fuzzer's first chunk is the fmtp line (its sprop-parameter-sets are parsed too). */
    @FuzzTest
    void h264(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        String fmtp = new String(in.chunkOf(255), StandardCharsets.UTF_8);
        run(H264Depacketizer.fromFmtp(fmtp), in, Codec.H264);
    }

    /** The first chunk is the fmtp line (sprop-vps/sps/pps and sprop-max-don-diff are parsed too). */
    @FuzzTest
    void h265(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        String fmtp = new String(in.chunkOf(255), StandardCharsets.UTF_8);
        run(H265Depacketizer.fromFmtp(fmtp), in, Codec.H265);
    }

    @FuzzTest
    void av1(byte[] data) {
        run(new Av1Depacketizer(), new FuzzBytes(data), Codec.AV1);
    }

    @FuzzTest
    void vp8(byte[] data) {
        run(new Vp8Depacketizer(), new FuzzBytes(data), Codec.VP8);
    }

    @FuzzTest
    void vp9(byte[] data) {
        Vp9Depacketizer depacketizer = new Vp9Depacketizer();
        run(depacketizer, new FuzzBytes(data), Codec.VP9);
        depacketizer.scalabilityStructure();
    }

    @FuzzTest
    void opus(byte[] data) {
        run(new OpusDepacketizer(), new FuzzBytes(data), Codec.OPUS);
    }

    enum Codec { H264, VP8, VP9, H265, AV1, OPUS }

    /**
     * The program: a start sequence number and timestamp, then per packet an op byte (sequence step in the low 3
     * bits: next, gap, duplicate, late, jump, or 0xFF for a reset; 0x08 changes the timestamp; 0x10 is the marker;
     * the top 3 bits advance the arrival clock) and a 16-bit length-prefixed payload.
     */
    private static Emitted run(Depacketizer depacketizer, FuzzBytes in, Codec codec) {
        Emitted emitted = new Emitted(codec);
        int seq = in.u16();
        long ts = in.u32();
        long arrival = Fixtures.T0;
        long pushed = 0;
        while (in.hasMore() && pushed < MAX_PACKETS) {
            int op = in.u8();
            if (op == 0xFF) {
                depacketizer.reset();
                emitted.expectKeyframe = codec != Codec.OPUS;
                continue;
            }
            switch (op & 7) {
                case 4 -> seq += 2 + in.u8();
                case 5 -> { } // duplicate
                case 6 -> seq -= 1 + in.u8();
                case 7 -> seq += in.u16();
                default -> seq += 1;
            }
            if ((op & 0x08) != 0) {
                ts = (ts + in.u16()) & 0xFFFF_FFFFL;
            }
            arrival += (long) (op >>> 5) * Fixtures.MILLI;
            byte[] payload = in.chunk();
            // The payload inside a larger array, as it sits in the datagram after the RTP header.
            byte[] datagram = new byte[payload.length + 16];
            Arrays.fill(datagram, (byte) 0x7E);
            System.arraycopy(payload, 0, datagram, 12, payload.length);
            RtpMedia packet = new RtpMedia(seq & 0xFFFF, ts, (op & 0x10) != 0, 96, 0x1234L, datagram, 12,
                    payload.length, arrival);
            emitted.lastPayload = payload;
            depacketizer.push(packet, emitted::accept);
            pushed++;
            depacketizer.needsKeyframe();
        }
        DepacketizerStats stats = depacketizer.stats();
        assertThat(stats.packets()).isEqualTo(pushed);
        assertThat(stats.framesEmitted()).as("frames emitted").isEqualTo(emitted.frames);
        assertThat(stats.keyframesEmitted()).as("keyframes emitted").isEqualTo(emitted.keyframes);
        if (codec == Codec.OPUS) {
            assertThat(depacketizer.needsKeyframe()).isFalse();
        }
        return emitted;
    }

    /** Each codec's seed program really produces frames, keyframes first (so the seeds have not drifted). */
    @Test
    void seedProgramsEmitFrames() throws IOException {
        for (Codec codec : Codec.values()) {
            String name = codec.name().toLowerCase(Locale.ROOT);
            Path dir;
            try {
                dir = Path.of(getClass().getResource("DepacketizerFuzzTestInputs/" + name).toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            try (Stream<Path> seeds = Files.list(dir)) {
                for (Path seed : seeds.toList()) {
                    FuzzBytes in = new FuzzBytes(Files.readAllBytes(seed));
                    Depacketizer d = switch (codec) {
                        case H264 -> H264Depacketizer.fromFmtp(new String(in.chunkOf(255), StandardCharsets.UTF_8));
                        case H265 -> H265Depacketizer.fromFmtp(new String(in.chunkOf(255), StandardCharsets.UTF_8));
                        case AV1 -> new Av1Depacketizer();
                        case VP8 -> new Vp8Depacketizer();
                        case VP9 -> new Vp9Depacketizer();
                        case OPUS -> new OpusDepacketizer();
                    };
                    Emitted e = run(d, in, codec);
                    assertThat(e.keyframes).as("%s keyframes from %s", codec, seed.getFileName()).isPositive();
                    assertThat(e.frames).as("%s frames from %s", codec, seed.getFileName()).isGreaterThan(1);
                }
            }
        }
    }

    private static final class Emitted {
        final Codec codec;
        boolean expectKeyframe;
        long frames;
        long keyframes;
        byte[] lastPayload;

        Emitted(Codec codec) {
            this.codec = codec;
            this.expectKeyframe = codec != Codec.OPUS;
        }

        void accept(EncodedFrame f) {
            frames++;
            if (f.keyframe()) {
                keyframes++;
            }
            assertThat(f.data()).isNotNull();
            assertThat(f.length()).isEqualTo(f.data().length).isLessThanOrEqualTo(Depacketizer.MAX_FRAME_BYTES);
            assertThat(f.rtpTimestamp()).isBetween(0L, 0xFFFF_FFFFL);
            assertThat(f.firstArrivalNanos()).isLessThanOrEqualTo(f.lastArrivalNanos());
            if (expectKeyframe) {
                assertThat(f.keyframe()).as("the first %s frame after a start or reset is a keyframe", codec).isTrue();
                expectKeyframe = false;
            }
            switch (codec) {
                case OPUS -> {
                    assertThat(f.keyframe()).isTrue();
                    assertThat(f.data()).as("an Opus frame is the payload").isEqualTo(lastPayload);
                    assertThat(f.lostPackets()).isBetween(0, 0xFFFF);
                    assertThat(f.gapSamples()).isNotNegative();
                    if (f.lostPackets() > 0) { // a jump of the sequence numbers is a discontinuity with no count
                        assertThat(f.discontinuity()).isTrue();
                    }
                }
                case AV1 -> assertTemporalUnit(f.data());
                case H264, H265 -> {
                    byte[] d = f.data();
                    assertThat(d.length).isGreaterThanOrEqualTo(4);
                    boolean annexB = d[0] == 0 && d[1] == 0 && (d[2] == 1 || d[2] == 0 && d[3] == 1);
                    assertThat(annexB).as("an access unit starts with an Annex B start code").isTrue();
                }
                default -> assertThat(f.length()).as("a video frame is not empty").isPositive();
            }
        }
    }

    /** A temporal delimiter, then OBUs each with obu_has_size_field set, whose sizes add up to the unit's length. */
    private static void assertTemporalUnit(byte[] tu) {
        assertThat(tu.length).isGreaterThan(2);
        assertThat(tu[0]).as("temporal delimiter OBU header").isEqualTo((byte) 0x12);
        assertThat(tu[1]).as("temporal delimiter size").isZero();
        int i = 2;
        while (i < tu.length) {
            int header = tu[i] & 0xff;
            assertThat(header & 0x80).as("obu_forbidden_bit").isZero();
            assertThat(header & 0x02).as("obu_has_size_field").isNotZero();
            i += (header & 0x04) != 0 ? 2 : 1;
            long size = 0;
            int shift = 0;
            int b;
            do {
                assertThat(i).as("obu_size inside the unit").isLessThan(tu.length);
                b = tu[i++] & 0xff;
                size |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            assertThat(size).as("OBU inside the unit").isLessThanOrEqualTo(tu.length - i);
            i += (int) size;
        }
    }
}
