package dev.ingot.media.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingot.media.frame.RgbaConverter;
import dev.ingot.media.frame.VideoFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round trips through real encoders (libopenh264, libvpx, libvpx-vp9, libaom-av1 from the same FFmpeg build, and
 * libx265 from the FFmpeg CLI), made while the test runs: the decoded pictures must match the source pattern and
 * carry its frame counter and timestamps.
 */
class VideoDecoderTest {
    private static final int W = 320;
    private static final int H = 240;
    private static final int FRAMES = 30;
    private static final int SECOND_KEYFRAME = 20;
    private static final Map<VideoCodecKind, List<TestEncoder.Unit>> STREAMS = new HashMap<>();
    private static final RgbaConverter REFERENCE = new RgbaConverter();

    @AfterAll
    static void closeReference() {
        REFERENCE.close();
    }

    /** 30 frames, keyframes at 0 and 20 only; encoded once per codec for all tests. */
    private static synchronized List<TestEncoder.Unit> stream(VideoCodecKind codec) {
        return STREAMS.computeIfAbsent(codec,
                c -> TestEncoder.encode(c, W, H, FRAMES, i -> i == SECOND_KEYFRAME));
    }

    private static VideoDecoderKind ffmpegKind(VideoCodecKind codec) {
        return switch (codec) {
            case H264 -> VideoDecoderKind.FFMPEG_H264;
            case VP8 -> VideoDecoderKind.FFMPEG_VP8;
            case VP9 -> VideoDecoderKind.FFMPEG_VP9;
            case H265 -> VideoDecoderKind.FFMPEG_HEVC;
            case AV1 -> VideoDecoderKind.FFMPEG_AV1;
        };
    }

    /** What one access unit gave: the result and the frames (index read back from the picture, pts, PSNR). */
    record Step(int index, DecodeResult result, List<Decoded> frames) {
    }

    record Decoded(int counter, long ptsNanos, double psnr, String pixelFormat, int width, int height) {
    }

    static Step feed(VideoDecoder decoder, TestEncoder.Unit unit, byte[] data) {
        List<Decoded> frames = new ArrayList<>();
        DecodeResult r = decoder.decode(data, data.length, unit.frameIndex() * TestEncoder.FRAME_NANOS, f -> {
            try (f) {
                frames.add(describe(f, unit.frameIndex()));
            }
        });
        return new Step(unit.frameIndex(), r, frames);
    }

    static Decoded describe(VideoFrame f, int expectedIndex) {
        byte[] rgba = f.rgbaArray();
        TestPattern p = TestPattern.frame(f.width(), f.height(), expectedIndex);
        double psnr;
        try (VideoFrame ref = VideoFrame.copyOfI420(f.width(), f.height(), 0, p.y, p.u, p.v, REFERENCE)) {
            psnr = TestPattern.psnrRgb(rgba, ref.rgbaArray());
        }
        return new Decoded(TestPattern.readCounter(rgba, f.width(), f.height()), f.ptsNanos(), psnr,
                f.pixelFormat(), f.width(), f.height());
    }

    static void assertFaithful(Step step) {
        assertThat(step.result()).as("frame %d", step.index()).isEqualTo(DecodeResult.OK);
        assertThat(step.frames()).as("frame %d", step.index()).hasSize(1);
        Decoded d = step.frames().get(0);
        assertThat(d.counter()).as("counter of frame %d", step.index()).isEqualTo(step.index());
        assertThat(d.ptsNanos()).isEqualTo(step.index() * TestEncoder.FRAME_NANOS);
        assertThat(d.psnr()).as("PSNR of frame %d", step.index()).isGreaterThanOrEqualTo(30.0);
        assertThat(d.width()).isEqualTo(W);
        assertThat(d.height()).isEqualTo(H);
    }

    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void decodesRealEncoderOutputBackToThePattern(VideoCodecKind codec) {
        try (VideoDecoder decoder = VideoDecoder.open(ffmpegKind(codec))) {
            for (TestEncoder.Unit u : stream(codec)) {
                Step step = feed(decoder, u, u.data());
                assertFaithful(step);
                assertThat(step.frames().get(0).pixelFormat()).isEqualTo("yuv420p");
            }
            assertThat(decoder.framesDecoded()).isEqualTo(FRAMES);
            assertThat(decoder.errors()).isZero();
            assertThat(decoder.decoderName()).isEqualTo(switch (codec) {
                case H265 -> "hevc";
                case AV1 -> "libaom-av1";
                default -> codec.name().toLowerCase();
            });
        }
    }

    @Test
    void releasedFramesFreeTheirPictures() {
        long before = VideoFrame.livePictures();
        List<VideoFrame> held = new ArrayList<>();
        try (VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_H264)) {
            for (TestEncoder.Unit u : stream(VideoCodecKind.H264)) {
                decoder.decode(u.data(), u.data().length, 0, held::add);
            }
        }
        long whileHeld = VideoFrame.livePictures();
        assertThat(held).hasSize(FRAMES);
        for (VideoFrame f : held) {
            f.retain().rgba();
            f.release();
            f.release();
        }
        long after = VideoFrame.livePictures();
        // Only ever lower, not exactly equal: the Cleaner may free some other test's forgotten frame meanwhile.
        assertThat(whileHeld - after).isGreaterThanOrEqualTo(FRAMES);
        assertThat(after).isLessThanOrEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void dropsInterFramesUntilTheFirstKeyframe(VideoCodecKind codec) {
        try (VideoDecoder decoder = VideoDecoder.open(ffmpegKind(codec))) {
            for (TestEncoder.Unit u : stream(codec).subList(5, FRAMES)) {
                Step step = feed(decoder, u, u.data());
                if (u.frameIndex() < SECOND_KEYFRAME) {
                    assertThat(step.result()).isEqualTo(DecodeResult.NEEDS_KEYFRAME);
                    assertThat(step.frames()).isEmpty();
                } else {
                    assertFaithful(step);
                }
            }
            assertThat(decoder.droppedWaitingForKeyframe()).isEqualTo(SECOND_KEYFRAME - 5);
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void garbageAccessUnitAsksForAKeyframeAndDecodingRecoversOnTheNextOne(VideoCodecKind codec) {
        Random random = new Random(42);
        try (VideoDecoder decoder = VideoDecoder.open(ffmpegKind(codec))) {
            for (TestEncoder.Unit u : stream(codec)) {
                byte[] data = u.data();
                if (u.frameIndex() == 10) {
                    data = new byte[data.length];
                    random.nextBytes(data);
                    if (codec == VideoCodecKind.H264) {
                        data[0] = 0; data[1] = 0; data[2] = 0; data[3] = 1; data[4] = 0x41; // a P slice NAL
                    }
                }
                Step step = feed(decoder, u, data);
                if (u.frameIndex() < 10 || u.frameIndex() >= SECOND_KEYFRAME) {
                    assertFaithful(step);
                } else {
                    assertThat(step.result()).as("frame %d", u.frameIndex()).isEqualTo(DecodeResult.NEEDS_KEYFRAME);
                    assertThat(step.frames()).isEmpty();
                }
            }
            assertThat(decoder.errors()).isEqualTo(1);
            assertThat(decoder.lastError()).isNotEmpty();
        }
    }

    @Test
    void truncatedH264PictureIsNeverShown() {
        try (VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_H264)) {
            for (TestEncoder.Unit u : stream(VideoCodecKind.H264)) {
                byte[] data = u.frameIndex() == 10 ? Arrays.copyOf(u.data(), u.data().length / 2) : u.data();
                Step step = feed(decoder, u, data);
                if (u.frameIndex() >= 10 && u.frameIndex() < SECOND_KEYFRAME) {
                    assertThat(step.result()).isEqualTo(DecodeResult.NEEDS_KEYFRAME);
                    assertThat(step.frames()).isEmpty();
                } else {
                    assertFaithful(step);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void afterALossTheCallerCanDropUntilTheNextKeyframe(VideoCodecKind codec) {
        try (VideoDecoder decoder = VideoDecoder.open(ffmpegKind(codec))) {
            for (TestEncoder.Unit u : stream(codec)) {
                if (u.frameIndex() == 10) {
                    decoder.dropUntilKeyframe(); // the jitter buffer gave up on frame 10
                    assertThat(decoder.awaitingKeyframe()).isTrue();
                    continue;
                }
                Step step = feed(decoder, u, u.data());
                if (u.frameIndex() > 10 && u.frameIndex() < SECOND_KEYFRAME) {
                    assertThat(step.result()).isEqualTo(DecodeResult.NEEDS_KEYFRAME);
                } else {
                    assertFaithful(step);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void randomBytesNeverThrowAndALaterKeyframeStillDecodes(VideoCodecKind codec) {
        Random random = new Random(7);
        List<TestEncoder.Unit> units = stream(codec);
        try (VideoDecoder decoder = VideoDecoder.open(ffmpegKind(codec))) {
            for (int i = 0; i < 400; i++) {
                byte[] data;
                if (i % 2 == 0) { // a real unit with a few bytes changed, keyframes included
                    data = units.get(random.nextInt(units.size())).data().clone();
                    for (int k = 0; k < 1 + random.nextInt(8); k++) {
                        data[random.nextInt(data.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                } else { // noise that passes the keyframe check, so it reaches FFmpeg
                    data = new byte[random.nextInt(3000)];
                    random.nextBytes(data);
                    forceKeyframeHeader(codec, data);
                }
                DecodeResult r = decoder.decode(data, data.length, i, VideoFrame::release);
                assertThat(r).isIn(DecodeResult.OK, DecodeResult.NEEDS_KEYFRAME);
            }
            decoder.dropUntilKeyframe();
            for (TestEncoder.Unit u : units.subList(SECOND_KEYFRAME, FRAMES)) {
                assertFaithful(feed(decoder, u, u.data()));
            }
        }
    }

    private static void forceKeyframeHeader(VideoCodecKind codec, byte[] data) {
        switch (codec) {
            case H264 -> {
                if (data.length >= 5) {
                    data[0] = 0; data[1] = 0; data[2] = 0; data[3] = 1; data[4] = 0x65;
                }
            }
            case VP8 -> {
                if (data.length >= 10) {
                    data[0] &= (byte) 0xfe; data[3] = (byte) 0x9d; data[4] = 0x01; data[5] = 0x2a;
                }
            }
            case VP9 -> {
                if (data.length >= 1) {
                    data[0] = (byte) 0x82; // frame marker, profile 0, shown keyframe
                }
            }
            case H265 -> {
                if (data.length >= 6) {
                    data[0] = 0; data[1] = 0; data[2] = 0; data[3] = 1; data[4] = 0x26; data[5] = 0x01; // IDR_W_RADL
                }
            }
            case AV1 -> {
                if (data.length >= 6 + 127) {
                    // a one-byte sequence header OBU, then a frame OBU of 127 bytes whose header says KEY_FRAME
                    data[0] = 0x0a; data[1] = 0x01; data[2] = 0x00; data[3] = 0x32; data[4] = 0x7f; data[5] = 0x10;
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodecKind.class)
    void followsAResolutionChangeAtAKeyframe(VideoCodecKind codec) {
        // Publishers scale their resolution with the available bandwidth; the new size starts with a keyframe.
        List<TestEncoder.Unit> small = TestEncoder.encode(codec, 160, 96, 4, i -> false);
        try (VideoDecoder decoder = VideoDecoder.open(ffmpegKind(codec))) {
            for (TestEncoder.Unit u : stream(codec).subList(0, 4)) {
                assertFaithful(feed(decoder, u, u.data()));
            }
            for (TestEncoder.Unit u : small) {
                Step step = feed(decoder, u, u.data());
                assertThat(step.result()).isEqualTo(DecodeResult.OK);
                Decoded d = step.frames().get(0);
                assertThat(d.width()).isEqualTo(160);
                assertThat(d.height()).isEqualTo(96);
                assertThat(d.counter()).isEqualTo(u.frameIndex());
                assertThat(d.psnr()).isGreaterThanOrEqualTo(30.0);
            }
            for (TestEncoder.Unit u : stream(codec).subList(SECOND_KEYFRAME, FRAMES)) {
                assertFaithful(feed(decoder, u, u.data()));
            }
        }
    }

    @Test
    void emptyAndOversizedAccessUnitsAreRejectedWithoutThrowing() {
        List<TestEncoder.Unit> units = stream(VideoCodecKind.H264);
        try (VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_H264)) {
            assertFaithful(feed(decoder, units.get(0), units.get(0).data()));
            assertThat(decoder.decode(new byte[0], 0, 0, VideoFrame::release)).isEqualTo(DecodeResult.NEEDS_KEYFRAME);
            byte[] huge = new byte[VideoDecoder.MAX_ACCESS_UNIT_BYTES + 1];
            assertThat(decoder.decode(huge, huge.length, 0, VideoFrame::release)).isEqualTo(DecodeResult.NEEDS_KEYFRAME);
            assertThatThrownBy(() -> decoder.decode(new byte[4], 5, 0, VideoFrame::release))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void framesOutliveTheirDecoder() {
        List<TestEncoder.Unit> units = stream(VideoCodecKind.VP8);
        List<VideoFrame> kept = new ArrayList<>();
        VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_VP8);
        for (TestEncoder.Unit u : units.subList(0, 3)) {
            decoder.decode(u.data(), u.data().length, u.frameIndex(), kept::add);
        }
        decoder.close();
        decoder.close();
        assertThatThrownBy(() -> decoder.decode(units.get(3).data(), 1, 0, VideoFrame::release))
                .isInstanceOf(IllegalStateException.class);
        assertThat(kept).hasSize(3);
        for (int i = 0; i < kept.size(); i++) {
            try (VideoFrame f = kept.get(i)) {
                Decoded d = describe(f, i);
                assertThat(d.counter()).isEqualTo(i);
                assertThat(d.psnr()).isGreaterThanOrEqualTo(30.0);
            }
        }
    }

    @Test
    void aFrameLeftAloneIsNotConvertedToRgba() {
        List<TestEncoder.Unit> units = stream(VideoCodecKind.VP9);
        try (VideoDecoder decoder = VideoDecoder.open(VideoDecoderKind.FFMPEG_VP9)) {
            List<VideoFrame> frames = new ArrayList<>();
            decoder.decode(units.get(0).data(), units.get(0).data().length, 0, frames::add);
            VideoFrame f = frames.get(0);
            assertThat(f.hasRgba()).isFalse();
            byte[] y = new byte[W * H];
            f.copyPlane(0, W, H, y);
            byte[] source = TestPattern.frame(W, H, 0).y;
            long diff = 0;
            for (int i = 0; i < y.length; i++) {
                diff += Math.abs((y[i] & 0xff) - (source[i] & 0xff));
            }
            assertThat((double) diff / y.length).as("mean luma error").isLessThan(3.0);
            assertThat(f.hasRgba()).isFalse();
            f.release();
        }
    }
}
