package dev.ingot.server.ops;

import dev.ingot.rtc.sdp.NegotiatedSession;
import dev.ingot.rtc.sdp.NegotiatedVideo;
import dev.ingot.rtc.sdp.VideoCodec;
import dev.ingot.server.config.AdmissionConfig;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What one WHIP session costs to receive and decode, in CPU cores, estimated from what its offer negotiated:
 * {@code streamCores × (FIXED_SHARE + (1 − FIXED_SHARE) × codecFactor × pixelRate / 720p30)}. The fixed share is the
 * transport and the audio, which every session has; the rest scales with the pixels per second to decode.
 *
 * <p>The pixel rate is the H.264 level's bound (RFC 6184 §8.1 profile-level-id, ITU-T H.264 Table A-1 MaxMBPS × 256
 * pixels per macroblock: level 3.1 is 1280×720 at 30 fps) when the offer gives one, else the configured
 * {@link AdmissionConfig#assumedVideo()}. Codec factors come from BENCHMARKS.md ("Decode cost by codec").
 */
public final class DecodeCost {
    /** 1280 × 720 × 30: the pixel rate {@link AdmissionConfig#streamCores()} is measured at. */
    public static final double REFERENCE_PIXEL_RATE = 1280.0 * 720 * 30;
    /** The share of a 720p30 stream's cost that does not scale with pixels: transport, SRTP, audio. */
    public static final double FIXED_SHARE = 0.1;

    private final AdmissionConfig config;

    public DecodeCost(AdmissionConfig config) {
        this.config = config;
    }

    /** Decoding cost relative to H.264 at the same pixel rate (FFmpeg, one thread, decode + RGBA). */
    public static double codecFactor(VideoCodec codec) {
        return switch (codec) {
            case H264 -> 1.0;
            case VP8 -> 0.8;
            case VP9 -> 1.3;
            case H265 -> 1.4;
            case AV1 -> 3.4;
        };
    }

    /** The cores a session with this negotiation is expected to cost. */
    public double cores(NegotiatedSession negotiated) {
        return negotiated.video().map(v -> cores(v.codec(), pixelRate(v))).orElse(config.streamCores() * FIXED_SHARE);
    }

    /** The cores a stream of this codec and pixel rate costs. */
    public double cores(VideoCodec codec, double pixelRate) {
        return config.streamCores()
                * (FIXED_SHARE + (1 - FIXED_SHARE) * codecFactor(codec) * pixelRate / REFERENCE_PIXEL_RATE);
    }

    /** The pixels per second the negotiated video may carry: its H.264 level's bound, else the assumed format. */
    public double pixelRate(NegotiatedVideo video) {
        if (video.codec() == VideoCodec.H264) {
            OptionalDouble bound = video.fmtp().parameter("profile-level-id").map(DecodeCost::h264LevelPixelRate)
                    .orElse(OptionalDouble.empty());
            if (bound.isPresent()) {
                return bound.getAsDouble();
            }
        }
        return config.assumedVideo().pixelRate();
    }

    /**
     * The most pixels per second an H.264 stream of the level in {@code profileLevelId} decodes (MaxMBPS × 256);
     * empty for a malformed id or an unknown level. Level 1b is level_idc 11 with constraint_set3 in the Baseline,
     * Main and Extended profiles, or level_idc 9.
     */
    public static OptionalDouble h264LevelPixelRate(String profileLevelId) {
        String p = profileLevelId.strip().toLowerCase(Locale.ROOT);
        if (!p.matches("[0-9a-f]{6}")) {
            return OptionalDouble.empty();
        }
        int profileIdc = Integer.parseInt(p.substring(0, 2), 16);
        int constraints = Integer.parseInt(p.substring(2, 4), 16);
        int levelIdc = Integer.parseInt(p.substring(4, 6), 16);
        boolean constraintSet3 = (constraints & 0x10) != 0;
        if (levelIdc == 11 && constraintSet3 && (profileIdc == 66 || profileIdc == 77 || profileIdc == 88)) {
            levelIdc = 9; // level 1b
        }
        long maxMbps = switch (levelIdc) {
            case 10, 9 -> 1_485;
            case 11 -> 3_000;
            case 12 -> 6_000;
            case 13, 20 -> 11_880;
            case 21 -> 19_800;
            case 22 -> 20_250;
            case 30 -> 40_500;
            case 31 -> 108_000;
            case 32 -> 216_000;
            case 40, 41 -> 245_760;
            case 42 -> 522_240;
            case 50 -> 589_824;
            case 51 -> 983_040;
            case 52 -> 2_073_600;
            case 60 -> 4_177_920;
            case 61 -> 8_355_840;
            case 62 -> 16_711_680;
            default -> -1;
        };
        return maxMbps < 0 ? OptionalDouble.empty() : OptionalDouble.of(maxMbps * 256.0);
    }
}
